import { describe, expect, it } from 'vitest';
import { iterationOrder, qobjectToJson, tdbHash } from './qdict-json.ts';

describe('qobjectToJson', () => {
  it('orders keys by hash bucket, as 7.2.22 printed a null-co node', () => {
    const dict = [['driver', 'null-co'], ['read-zeroes', true], ['size', 1048576]] as const;
    expect(qobjectToJson(dict)).toBe('{"read-zeroes": true, "driver": "null-co", "size": 1048576}');
  });

  it('nests dicts and keeps a throttle node in 7.2.22 order', () => {
    const dict = [['driver', 'throttle'], ['throttle-group', 'tg'], ['file', [['driver', 'null-co']]]] as const;
    expect(qobjectToJson(dict)).toBe('{"throttle-group": "tg", "driver": "throttle", "file": {"driver": "null-co"}}');
  });

  it('puts a later key of the same bucket first and prints null', () => {
    // Find two keys sharing a bucket by search over short names: the rule must not depend on luck.
    const byBucket = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const key = `k${i}`;
      const other = byBucket.get(tdbHash(key) % 512);
      if (other !== undefined) pair = [other, key];
      else byBucket.set(tdbHash(key) % 512, key);
    }
    expect(iterationOrder([[pair[0], 1], [pair[1], null]]).map(([k]) => k)).toEqual([pair[1], pair[0]]);
    expect(qobjectToJson([[pair[1], null]])).toBe(`{"${pair[1]}": null}`);
  });
});
