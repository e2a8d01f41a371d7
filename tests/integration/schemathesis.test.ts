import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiClient, createOrganisation, createUser, startHarness, type Harness } from '../support/harness';

/**
 * Schemathesis (PyPI) against the served OpenAPI document, for each role, with every check, a
 * fixed seed and a bounded budget: the document must tell the truth about what the server does.
 * The tool is installed once into a virtual environment in ~/.cache/jalons (outside the clone).
 */
const VERSION = '4.32.5';
const venv = path.join(os.homedir(), '.cache', 'jalons', `schemathesis-${VERSION}`);
const st = path.join(venv, 'bin', 'st');

function installSchemathesis(): void {
  if (fs.existsSync(st)) return;
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
  execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${VERSION}`], { stdio: 'pipe', timeout: 600_000 });
}

describe('Schemathesis: the OpenAPI document tells the truth', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    installSchemathesis();
    h = await startHarness();
    const org = await createOrganisation(h);
    for (const role of ['admin', 'coordinator', 'manager', 'partner'] as const) tokens[role] = (await createUser(h, role, role === 'partner' ? org : undefined)).token;
    // Something to read: one programme of the coordinator's.
    const api = apiClient(h.apiUrl);
    await api.post('/api/v1/programmes', { templateKey: 'defi', title: 'Programme Schemathesis', startDate: '2027-01-04' }, tokens.coordinator);
  }, 900_000);
  afterAll(async () => {
    await h?.stop();
  });

  it.each(['admin', 'coordinator', 'manager', 'partner'])('finds no failure as %s', async (role) => {
    const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), `st-${role}-`));
    // Asynchronously: the API under test answers from this very process.
    const run = await runTool(
      st,
      [
        'run', `${h.apiUrl}/api/v1/openapi.json`,
        '--checks', 'all',
        '--seed', '20261201',
        '--max-examples', '4',
        '--generation-deterministic',
        '--workers', '1',
        '--request-timeout', '30',
        // Signing out ends the session every other request of the run uses.
        '--exclude-path', '/api/v1/auth/logout',
        '--header', `Authorization: Bearer ${tokens[role]}`,
        '--report', 'junit', '--report-dir', reportDir,
      ],
    );
    const output = run.output;
    if (run.status !== 0) throw new Error(`schemathesis as ${role} exited ${run.status}:\n${output.slice(-6000)}`);
    expect(output).toMatch(/passed/i);
  });
});

function runTool(command: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
