import { createCoalescer } from '../../notifier/batched-writes';

describe('createCoalescer (the notifier\'s batched row writes)', () => {
  it('flushes a lone call at once, and the calls made meanwhile together in the next flush, up to the batch size', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const flush = async (items: number[]) => {
      batches.push(items);
      // The first flush is held open until released, as a slow statement would be.
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((i) => i * 10);
    };
    const call = createCoalescer(flush, 3);
    const first = call(1);
    expect(batches).toEqual([[1]]);
    const rest = [2, 3, 4, 5].map((i) => call(i));
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('gives every caller of a failed batch its error, and carries on with the next batch', async () => {
    let calls = 0;
    const call = createCoalescer(async (items: string[]) => {
      calls += 1;
      if (items.includes('bad')) throw new Error('statement failed');
      return items.map((i) => i.toUpperCase());
    }, 10);
    const a = call('ok');
    const b = call('bad');
    const c = call('also');
    await expect(a).resolves.toBe('OK');
    await expect(b).rejects.toThrow('statement failed');
    await expect(c).rejects.toThrow('statement failed');
    await expect(call('later')).resolves.toBe('LATER');
    expect(calls).toBe(3);
  });
});
