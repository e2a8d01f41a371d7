import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The production topology in miniature (`npm run topology -- --drill=short`): the real Temporal
 * server v1.29.1 on its own PostgreSQL, two API processes behind the balancer, two workers, two
 * notifiers; the load script drives partners through the balancer while one process of each role
 * is killed with SIGKILL (and restarted by the topology's supervisor). About a minute of traffic.
 * The 5-minute, 200-partner drill with a Temporal restart and a rolling deploy of a patched workflow is
 * `--drill=long` (figures in docs/reliability.md).
 */
const root = path.resolve(__dirname, '..', '..');
const serverBuilt = fs.existsSync(path.join(process.env.HOME ?? '/root', '.cache', 'jalons', 'temporal-server', 'v1.29.1', 'server'));

describe('fault drill: production topology, one kill -9 of each role under load', () => {
  if (!serverBuilt) {
    // The bootstrap of `npm test` builds it; this skip is for machines where that was not possible (no Go, no module proxy).
    it.skip('needs the Temporal server v1.29.1: `node scripts/bootstrap.mjs --temporal-server` says why it cannot be built here', () => undefined);
    return;
  }

  it('answers no 5xx but documented 503s, loses nothing, applies nothing twice, and every programme replays', async () => {
    const out = path.join(process.env.DATA_DIR!, `topology-drill-${Date.now()}.json`);
    const log = path.join(process.env.DATA_DIR!, 'topology-drill.log');
    const fd = fs.openSync(log, 'a');
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/topology.ts', '--drill=short', `--out=${out}`], { cwd: root, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const output = fs.readFileSync(log, 'utf8');
    expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));

    // One kill -9 of each role, each followed by the supervisor's restart.
    const kills = report.events.filter((e: { what: string }) => e.what.startsWith('kill -9 ')).map((e: { what: string }) => e.what.replace(/^kill -9 (\w+)-\d$/, '$1')).sort();
    expect(kills).toEqual(['api', 'notifier', 'worker']);
    expect(report.processesUp.every((p: { up: boolean }) => p.up)).toBe(true);
    // Both API processes served requests through the balancer.
    expect(Object.keys(report.balancer.served)).toHaveLength(2);

    // The load script's own checks, against the workflows' state.
    expect(report.load.fiveXx).toBe(0);
    expect(report.load.noAnswer).toBe(0);
    expect(report.load.partnerFailures).toEqual([]);
    expect(report.load.checks.lost).toEqual([]);
    expect(report.load.checks.duplicated).toEqual([]);
    expect(report.load.checks.unexplained).toEqual([]);
    expect(report.load.checks.readModelBehind).toEqual([]);
    // The topology's own check over every programme workflow: stored state and audit journal equal the workflow's.
    expect(report.readModel.programmes).toBeGreaterThanOrEqual(report.plan.partners);
    expect(report.readModel.different).toEqual([]);
    expect(report.readModel.journalDifferent).toEqual([]);
    expect(report.load.checks.acknowledgedCompletions).toBeGreaterThan(20);
    // 503s, where any, are the documented ones: the balancer's own and the API's dependency_unavailable.
    for (const l of report.load.latencyMs) expect(Object.keys(l.statuses).filter((s) => Number(s) >= 500 && s !== '503')).toEqual([]);

    // Every programme replays against today's workflow code; every notification went out once.
    expect(report.replay.failures).toEqual([]);
    expect(report.replay.programmes).toBeGreaterThanOrEqual(report.plan.partners);
    expect(report.notifications.notSent).toEqual([]);
    expect(report.notifications.notExactlyOnce).toEqual([]);
  }, 900_000);
});
