import fs from 'node:fs';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR, loadHistory } from '../support/histories';
import { workflowBundle } from '../support/harness';

/**
 * Determinism guard: histories recorded from real runs (tests/histories/*.json, refreshed with
 * `JALONS_RECORD_HISTORIES=1 npm run test:integration`) must replay against today's workflow
 * code. A change that would break running programmes fails here.
 */
describe('replay of recorded programme histories', () => {
  const files = fs.existsSync(HISTORIES_DIR) ? fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json')).sort() : [];

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)('replays %s without non-determinism', async (file) => {
    const history = loadHistory(file);
    const results = [];
    // runReplayHistories does not throw on failure: each result carries its error.
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId: file, history }])) results.push(result);
    expect(results).toHaveLength(1);
    expect(results[0]!.error).toBeUndefined();
  });
});
