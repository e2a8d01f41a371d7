import { canonicalJson } from '../../server/idempotency';

describe('the request fingerprint of an Idempotency-Key', () => {
  it('writes objects with sorted keys, so the order of fields does not make another request', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true })).toBe('{"a":true,"b":[1,{"c":"x","d":null}]}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson([{ a: 1 }, []])).toBe('[{"a":1},[]]');
    expect(canonicalJson('é"')).toBe(JSON.stringify('é"'));
  });

  it('survives bodies nested far deeper than the call stack', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000));
    expect(canonicalJson(deep)).toHaveLength(200_000);
  });
});
