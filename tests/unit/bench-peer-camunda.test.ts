import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { comparePeer, describePeerNoise, formatPeerTable, peerHarnessDir, peerPrerequisiteProblem, readPeerResult } from '../../bench/metrics/peer-camunda';
import type { Metric } from '../../bench/support';

/** A result file shaped as the harness writes it (figures made up for the test). */
const fakeResult = {
  engine: 'camunda-7.24.0',
  db: 'postgresql-18.4',
  mode: 'quick',
  date: '2026-12-01T04:00:00.000Z',
  machine: { nproc: 2, cpuModel: 'Test CPU', loadAvgStart: [1.5, 1.2, 1], loadAvgEnd: [2.25, 1.5, 1.1], cpuShareWhileMeasuring: { thisRun: 0.81, otherProcesses: 0.04 } },
  setup: { jvm: 'openjdk version "17.0.15"' },
  wallSeconds: { measuring: 30, sinceRunStart: 41 },
  metrics: [
    { name: 'step completion POST /task/{id}/complete p50', value: 10, unit: 'ms', n: 300 },
    { name: 'step completion POST /task/{id}/complete p95', value: 20, unit: 'ms', n: 300 },
    { name: 'step completion POST /task/{id}/complete p99', value: 25, unit: 'ms', n: 300 },
    { name: 'read-your-writes misses (next GET lacks the change)', value: 0, unit: 'count', n: 300 },
    { name: 'task list by instance GET /task?processInstanceId p50 (the check read)', value: 3, unit: 'ms', n: 300 },
    { name: 'process starts POST /process-definition/key/defi/start (concurrency 8)', value: 96, unit: 'starts/s', n: 200 },
    { name: 'partner task list GET p50 (1001 running instances, 3000 open tasks)', value: 5, unit: 'ms', n: 200 },
    { name: 'partner task list GET p95 (1001 running instances, 3000 open tasks)', value: 8, unit: 'ms', n: 200 },
    { name: 'bare HTTP floor GET 2 KB JSON (node:http) p50', value: 0.5, unit: 'ms', n: 200 },
  ],
  notes: ['a note'],
};

const metric = (name: string, value: number, unit: string): Metric => ({ name, value, unit, baseline: null, ratio: null, target: null, met: null });

/** The application's figures, as bench/run.ts collects them (the scale-out rows carry a suffix and must not be picked). */
const jalons: Metric[] = [
  metric('partner task list GET p95 (2k programmes / 40k steps)', 6, 'ms'),
  metric('step completion via HTTP p50', 35, 'ms'),
  metric('step completion via HTTP p95', 18, 'ms'),
  metric('step completion via HTTP p99', 50, 'ms'),
  metric('programme starts (DEFI, N=24, concurrency 8)', 4.8, 'programmes/s'),
  metric('read-your-writes misses (the next GET lacks the change, of 67)', 0, 'count'),
  metric('step completion via HTTP p95 (2 worker processes)', 99, 'ms'),
  metric('read-your-writes misses (the next GET lacks the change, of 67) (2 worker processes)', 3, 'count'),
];

function writeFake(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-test-'));
  const file = path.join(dir, 'camunda7-latest.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('bench peer section (Camunda 7)', () => {
  const camunda = readPeerResult(writeFake(fakeResult));

  it('pairs each figure with Camunda\'s and gives Jalons ÷ Camunda', () => {
    const rows = comparePeer(jalons, camunda);
    expect(rows.map((r) => [r.label, r.jalons?.value ?? null, r.camunda?.value ?? null, r.ratio, r.met])).toEqual([
      ['step completion p50', 35, 10, 3.5, null],
      ['step completion p95', 18, 20, 0.9, true],
      ['step completion p99', 50, 25, 2, null],
      ['programme starts at concurrency 8', 4.8, 96, 0.05, false],
      ['partner task list p95', 6, 8, 0.75, true],
      // Camunda's 0 gives no ratio; the target is Jalons' own 0.
      ['read-your-writes misses', 0, 0, null, true],
    ]);
    expect(rows.find((r) => r.label === 'programme starts at concurrency 8')?.better).toBe('higher');
    expect(rows.find((r) => r.label === 'step completion p95')?.camunda?.n).toBe(300);
  });

  it('says "not measured" for a figure one side lacks, without a ratio or a verdict', () => {
    const rows = comparePeer(jalons.filter((m) => !m.name.startsWith('programme starts')), camunda);
    const starts = rows.find((r) => r.label === 'programme starts at concurrency 8')!;
    expect(starts).toMatchObject({ jalons: null, ratio: null, met: null });
    expect(formatPeerTable(rows, camunda)).toContain('| programme starts at concurrency 8 | not measured | 96 starts/s (n 200) | — | higher | ≥ 1× Camunda | — |');
  });

  it('formats the side-by-side table', () => {
    const table = formatPeerTable(comparePeer(jalons, camunda), camunda).split('\n');
    expect(table[0]).toBe('| metric | Jalons | Camunda 7.24.0 | Jalons ÷ Camunda | better | target | met |');
    expect(table[1]).toBe('| --- | --- | --- | --- | --- | --- | --- |');
    expect(table[2]).toBe('| step completion p50 | 35 ms | 10 ms (n 300) | 3.5× | lower | — | — |');
    expect(table[3]).toBe('| step completion p95 | 18 ms | 20 ms (n 300) | 0.9× | lower | ≤ 1× Camunda | yes |');
    expect(table[5]).toBe('| programme starts at concurrency 8 | 4.80 programmes/s | 96 starts/s (n 200) | 0.05× | higher | ≥ 1× Camunda | NO |');
    expect(table[7]).toBe('| read-your-writes misses | 0 | 0 (n 300) | — | lower | Jalons 0 | yes |');
    expect(table).toHaveLength(8);
  });

  it('reports both runs\' machine load and flags noise', () => {
    const quiet = describePeerNoise(camunda, { loadAtStart: [2, 1.5, 1], loadAtEnd: [3.5, 2, 1.2], cpu: { thisRun: 0.9, otherProcesses: 0.05 }, mode: 'quick' });
    expect(quiet).toEqual([
      'Camunda (camunda-7.24.0, postgresql-18.4, quick run, 2026-12-01T04:00:00.000Z): load 1.50 / 1.20 / 1.00 → 2.25 / 1.50 / 1.10 on 2 CPUs; while it measured, the harness\'s processes used 81 % of the machine and other processes 4 %.',
      'Jalons (quick run): load 2.00 / 1.50 / 1.00 → 3.50 / 2.00 / 1.20; while it measured, the bench\'s processes used 90 % of the machine and other processes 5 %.',
    ]);
    const noisy = describePeerNoise(camunda, { loadAtStart: [2, 1.5, 1], loadAtEnd: [3.5, 2, 1.2], cpu: { thisRun: 0.6, otherProcesses: 0.3 }, mode: 'full' });
    expect(noisy).toHaveLength(4);
    expect(noisy[2]).toMatch(/more than 10 %/);
    expect(noisy[3]).toBe('The two runs are of different modes (Camunda quick, Jalons full): sizes differ.');
  });

  it('refuses a result file that is not the harness\'s', () => {
    expect(() => readPeerResult(writeFake({ ...fakeResult, metrics: [{ name: 'x' }] }))).toThrow();
  });

  it('finds the harness beside the repository and says why it cannot run without one', () => {
    expect(peerHarnessDir('/somewhere/repo')).toBe('/somewhere/shared/peers/camunda7');
    expect(peerPrerequisiteProblem(fs.mkdtempSync(path.join(os.tmpdir(), 'no-harness-')))).toMatch(/^no Camunda harness at /);
  });
});
