import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm run load` in miniature (20 s, 20 partners): the script boots an installation of its own
 * (as `npm start` does), drives partners and managers against it on loopback, stops by itself and
 * checks its figures against the workflows' own state. The full 5-minute, 200-partner run is not
 * part of CI; this keeps the script itself from rotting.
 */
describe('load script smoke run', () => {
  it('runs 20 partners for 20 s with no 5xx, nothing lost, nothing applied twice, no partner reading another’s data', async () => {
    const root = path.resolve(__dirname, '..', '..');
    const out = path.join(process.env.DATA_DIR!, `load-smoke-${Date.now()}.json`);
    const log = path.join(process.env.DATA_DIR!, 'load-smoke.log');
    const fd = fs.openSync(log, 'a');
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/load.ts', '--duration=20', '--partners=20', '--managers=2', '--think=1000-4000', `--out=${out}`], { cwd: root, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const output = fs.readFileSync(log, 'utf8');
    expect({ code, tail: code === 0 ? '' : output.slice(-3000) }).toEqual({ code: 0, tail: '' });
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report.fiveXx).toBe(0);
    expect(report.noAnswer).toBe(0);
    expect(report.partnerFailures).toEqual([]);
    expect(report.checks.lost).toEqual([]);
    expect(report.checks.duplicated).toEqual([]);
    expect(report.checks.readModelBehind).toEqual([]);
    // No partner read another's secret (names, file names, titles) on any GET route; a neighbour's ids answered 404.
    expect(report.checks.isolation).toEqual([]);
    expect(report.checks.isolationReads).toBeGreaterThan(100);
    expect(report.checks.acknowledgedCompletions).toBeGreaterThan(20);
    expect(report.checks.acknowledgedUploads).toBeGreaterThan(0);
    const ops = report.latencyMs.map((l: { op: string }) => l.op);
    expect(ops).toEqual(expect.arrayContaining(['POST step complete', 'POST deliverable (upload)', 'GET /dashboard', 'GET /tasks']));
  }, 600_000);
});
