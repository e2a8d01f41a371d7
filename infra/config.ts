import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads process.env. Every role parses it once at boot and passes
 * the result down; nothing else in the code base looks at the environment.
 */
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().url().optional())
  .optional();

const optionalText = z.string().trim().optional().transform((v) => (v ? v : undefined));
const optionalFile = optionalText.refine((v) => v === undefined || fs.existsSync(v), { message: 'no such file' });

/** Used only as the default of DUE_TIME and by code that runs without a loaded config (tests, bench). */
export const DEFAULT_DUE_TIME = '18:00';

export const ZConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('data'),
  APP_URL: optionalUrl,
  TEMPORAL_ADDRESS: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('jalons-programmes'),
  /**
   * Threads running workflow code in a worker process. Each holds its own copy of the workflow
   * bundle (tens of MiB); a second one halved the timer lag of 1,000 programmes firing together
   * on 2 CPUs (docs/performance.md), because workflow code is what a worker spends its time in.
   */
  /**
   * An existing Temporal cluster or Temporal Cloud (docs/operations.md): TLS on (implied by a CA, a
   * client certificate or an API key), the server name to expect when it differs from the address,
   * the CA that signed the server's certificate when it is a private one, the client certificate
   * and key for mTLS (both or neither), or a Temporal Cloud API key. Read by every connection to
   * Temporal (infra/temporal-connection.ts); unused by the embedded servers.
   */
  TEMPORAL_TLS: z
    .enum(['true', 'false', '1', '0', ''])
    .default('')
    .transform((v) => v === 'true' || v === '1'),
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalFile,
  TEMPORAL_TLS_CERT_PATH: optionalFile,
  TEMPORAL_TLS_KEY_PATH: optionalFile,
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_WORKFLOW_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  TEMPORAL_UI_URL: optionalUrl,
  TEMPORAL_CLI_PATH: z.string().optional(),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default('Jalons <jalons@localhost>'),
  /** Seconds between the worker's read-model checks against the workflows (infra/read-model-reconciler.ts); 0 = off. */
  READ_MODEL_CHECK_SECONDS: z.coerce.number().min(0).max(3600).default(5),
  /** A projection this many seconds old is compared with its workflow (longer than a workflow task's 10 s timeout). */
  READ_MODEL_SETTLE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  /** Notification jobs a notifier process works on at once; their row reads and writes are batched together. */
  NOTIFIER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** SMTP connections the notifier keeps open and reuses (at most NOTIFIER_CONCURRENCY). */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(64).default(8),
  /** Messages sent over one SMTP connection before it is closed and a fresh one opened. */
  SMTP_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(500),
  JALONS_ADMIN_EMAIL: z.string().email().default('admin@jalons.local'),
  JALONS_ADMIN_PASSWORD: z.string().min(12, 'JALONS_ADMIN_PASSWORD must have at least 12 characters').optional(),
  /** Scheduled backups by `npm start` (0 = off) into DATA_DIR/backups, keeping the newest BACKUP_KEEP. */
  BACKUP_INTERVAL_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(14),
  /** Europe/Paris time at which day-based reminders go out, on working days only. */
  REMINDER_HOUR: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'REMINDER_HOUR must be HH:mm')
    .default('09:00'),
  /**
   * Europe/Paris time at which a date-only deadline closes (a step "due 14 December" is due at
   * 14 December, DUE_TIME). The one home of that value: the worker resolves template dates with it,
   * the API turns a `dueDate` into `dueAt` with it and tells the UI (`GET /me`).
   */
  DUE_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'DUE_TIME must be HH:mm')
    .default(DEFAULT_DUE_TIME),
  /** The agency's name, printed at the head of the funders' reports. */
  AGENCY_NAME: z.string().trim().min(1).max(200).default('Creativ\''),
  /** A PNG or JPEG file (200 kB at most): the agency's logo at the head of the funders' reports (page, PDF, XLSX). */
  AGENCY_LOGO: z.string().trim().min(1).optional(),
  /** Debian's Chromium, which prints the funders' report as PDF (absent: the PDF export answers 503). */
  CHROMIUM_PATH: z.string().default('/usr/bin/chromium'),
  /**
   * Set only by the topology drill (`npm run topology -- --drill=long`) on the workers of its rolling
   * deploy: they load the patched workflow build of workflows/drill-rolling-deploy.ts. Never in production.
   */
  WORKFLOW_DRILL_PATCH: z.enum(['none', 'rolling-deploy']).default('none'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: one readable line per event on a terminal, JSON lines otherwise (files, log collectors). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
});

export type Config = z.infer<typeof ZConfig> & { dataDir: string };

/** Settings that only make sense together. */
const ZConfigChecked = ZConfig.superRefine((c, ctx) => {
  if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
    ctx.addIssue({ code: 'custom', path: [c.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH'], message: 'mTLS needs both TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH' });
  }
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ZConfigChecked.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/**
 * The environment for a child process that this one starts with its own settings (the load
 * script's installation): this process's environment with the given variables replaced.
 */
export function childEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
