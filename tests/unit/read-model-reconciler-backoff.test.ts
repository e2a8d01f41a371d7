import { checkBackoffMs, DEFAULT_FAILURE_BACKOFF_BASE_MS, DEFAULT_FAILURE_BACKOFF_CAP_MS } from '../../infra/read-model-reconciler';

describe('read-model reconciler back-off after a failed check (infra/read-model-reconciler.ts checkBackoffMs)', () => {
  it('waits the base after a first failure and doubles with each further one, up to the cap', () => {
    expect(checkBackoffMs(0, 30_000, 3_600_000)).toBe(30_000);
    expect(checkBackoffMs(1, 30_000, 3_600_000)).toBe(60_000);
    expect(checkBackoffMs(2, 30_000, 3_600_000)).toBe(120_000);
    expect(checkBackoffMs(6, 30_000, 3_600_000)).toBe(1_920_000);
    expect(checkBackoffMs(7, 30_000, 3_600_000)).toBe(3_600_000);
  });

  it('stays at the cap however many failures (no overflow to Infinity or NaN)', () => {
    for (const n of [20, 64, 1023, 1024, 5000, Number.MAX_SAFE_INTEGER]) expect(checkBackoffMs(n, 30_000, 3_600_000)).toBe(3_600_000);
  });

  it('defaults to 30 s, capped at 1 h', () => {
    expect(DEFAULT_FAILURE_BACKOFF_BASE_MS).toBe(30_000);
    expect(DEFAULT_FAILURE_BACKOFF_CAP_MS).toBe(3_600_000);
    expect(checkBackoffMs(0)).toBe(30_000);
    expect(checkBackoffMs(100)).toBe(3_600_000);
  });

  it('treats a negative count as none and never returns less than 0', () => {
    expect(checkBackoffMs(-3, 1000, 10_000)).toBe(1000);
    expect(checkBackoffMs(0, 0, 10_000)).toBe(0);
  });
});
