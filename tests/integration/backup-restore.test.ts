import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { apiClient } from '../support/harness';
import { inDays, reminderTestTemplate } from '../support/test-templates';

const root = path.resolve(__dirname, '..', '..');
const ADMIN_PASSWORD = 'sauvegarde-restauration-2026';

/** A whole installation as `npm start` runs it, in its own data directory. */
function installationEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', JALONS_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', BACKUP_INTERVAL_HOURS: '0' };
  // This installation runs its own embedded services, not the test suite's.
  for (const k of ['TEMPORAL_ADDRESS', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'TEMPORAL_UI_URL', 'MAIL_DIR']) delete env[k];
  return env;
}

/** The commands as an operator types them (`npm run backup` / `npm run restore`). */
function runScript(script: string, args: string[], dataDir: string): string {
  const res = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [script, ...args], { cwd: root, env: installationEnv(dataDir), encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`${script} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

async function startInstallation(dataDir: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], { cwd: root, env: installationEnv(dataDir), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`installation did not start:\n${output}`)), 120_000);
    const check = () => {
      const m = output.match(/App:\s+(http:\/\/[\d.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => reject(new Error(`installation exited:\n${output}`)));
  });
  return {
    url,
    child,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      // Ctrl-C reaches the whole process group, as in a terminal.
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    },
  };
}

describe('backup and restore', () => {
  const base = path.join(process.env.DATA_DIR!, 'backup-restore');
  const before = path.join(base, 'before');
  const after = path.join(base, 'after');
  const archive = path.join(base, 'jalons.tar.gz');

  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('restores an installation backed up mid-activity, with the same dashboard, and its programmes continue', async () => {
    fs.mkdirSync(base, { recursive: true });
    const first = await startInstallation(before);
    let dashboardBefore: any;
    let programmeId: string;
    let fileUrl: string;
    try {
      const api = apiClient(first.url);
      const admin = (await api.post('/api/v1/auth/login', { email: 'admin@jalons.local', password: ADMIN_PASSWORD })).body.token as string;
      const org = (await api.post('/api/v1/organisations', { name: 'Organisme sauvegardé', kind: 'training-organisation' }, admin)).body.id as string;
      expect((await api.post('/api/v1/templates', { ...inDays(reminderTestTemplate('sauvegarde', 3600)), version: undefined }, admin)).status).toBe(201);
      const started = await api.post('/api/v1/programmes', { templateKey: 'sauvegarde', title: 'Programme à sauver', startDate: '2026-11-28', params: { slots: { partner: org } } }, admin);
      expect(started.status).toBe(201);
      programmeId = started.body.id;
      const defi = await api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI sauvegardé', startDate: '2021-01-04' }, admin);
      expect(defi.status).toBe(201);
      await api.post(`/api/v1/programmes/${defi.body.id}/steps/partner-mobilisation/complete`, { note: 'avant sauvegarde' }, admin);
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('%PDF-1.7\nlivrable sauvegardé\n%%EOF\n')], { type: 'application/pdf' }), 'livrable.pdf');
      const up = await fetch(`${first.url}/api/v1/programmes/${programmeId}/steps/deliver/deliverables`, { method: 'POST', headers: { Authorization: `Bearer ${admin}` }, body: form });
      expect(up.status).toBe(201);
      const deliverableId = ((await up.json()) as { id: string }).id;
      fileUrl = `/api/v1/programmes/${programmeId}/steps/deliver/deliverables/${deliverableId}/file`;
      dashboardBefore = (await api.get('/api/v1/dashboard', admin)).body;

      // While the installation runs and Temporal writes, take the backup.
      expect(runScript('scripts/backup.ts', [`--out=${archive}`], before)).toContain('Backup written');
      expect(fs.statSync(archive).size).toBeGreaterThan(1000);
    } finally {
      await first.stop();
    }

    expect(runScript('scripts/restore.ts', [archive], after)).toContain('restored into');
    const second = await startInstallation(after);
    try {
      const api = apiClient(second.url);
      const admin = (await api.post('/api/v1/auth/login', { email: 'admin@jalons.local', password: ADMIN_PASSWORD })).body.token as string;
      const dashboardAfter = (await api.get('/api/v1/dashboard', admin)).body;
      const comparable = (d: any) => ({ ...d, generatedAt: undefined });
      expect(comparable(dashboardAfter)).toEqual(comparable(dashboardBefore));
      // The uploaded file came back, byte for byte.
      const file = await fetch(`${second.url}${fileUrl!}`, { headers: { Authorization: `Bearer ${admin}` } });
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).toString()).toContain('livrable sauvegardé');
      // The workflow is alive in the restored Temporal store and takes the next action.
      const done = await api.post(`/api/v1/programmes/${programmeId!}/steps/deliver/complete`, { note: 'après restauration' }, admin);
      expect(done.status).toBe(200);
      expect((await api.get(`/api/v1/programmes/${programmeId!}`, admin)).body.status).toBe('completed');
    } finally {
      await second.stop();
    }
  });
});
