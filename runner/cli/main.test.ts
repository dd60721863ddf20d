import { describe, expect, it } from 'vitest';
import { runCaptured as cli } from './capture.ts';

const LIB = 'test/fixtures/library';

describe('dirtysim run --list: selection', () => {
  it('lists every matrix case of the selected files', async () => {
    const r = await cli(['run', '--list', LIB]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `${LIB}/clear.yaml#clear empties a bitmap`,
      `${LIB}/guest-write.yaml#guest write dirties its granule[granularity=4K]`,
      `${LIB}/guest-write.yaml#guest write dirties its granule[granularity=64K]`,
    ]);
  });

  it('filters by tag and by name', async () => {
    expect((await cli(['run', '--list', '--tag', 'clear', LIB])).stdout).toBe(`${LIB}/clear.yaml#clear empties a bitmap\n`);
    expect((await cli(['run', '--list', '--grep', 'granularity=64K\\]', LIB])).stdout).toBe(`${LIB}/guest-write.yaml#guest write dirties its granule[granularity=64K]\n`);
    expect((await cli(['run', '--list', '--tag', 'nope', '--tag', 'clear', LIB])).stdout).toContain('clear.yaml');
  });

  it('splits cases into disjoint shards that cover the selection', async () => {
    const all = (await cli(['run', '--list', LIB])).stdout.split('\n').filter(Boolean);
    const shards = await Promise.all([1, 2, 3].map(async (k) => (await cli(['run', '--list', '--shard', `${k}/3`, LIB])).stdout.split('\n').filter(Boolean)));
    expect(shards.flat().toSorted()).toEqual(all.toSorted());
    expect(new Set(shards.flat()).size).toBe(all.length);
  });

  it('list is run --list over everything', async () => {
    expect((await cli(['list', LIB])).stdout).toBe((await cli(['run', '--list', LIB])).stdout);
  });
});

describe('dirtysim: invalid input and usage', () => {
  it('reports a bad file with file:line:col and its source line, no stack trace, exit 2', async () => {
    const r = await cli(['validate', 'test/fixtures/invalid/bad-size.yaml', LIB]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("test/fixtures/invalid/bad-size.yaml:4:32: error[bad-size]: '12Q' is not a size");
    expect(r.stderr).toContain('disk: { driver: qcow2, size: 12Q }');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('2 valid, 1 invalid file(s); 3 case(s)\n');
  });

  it('validates a good library with exit 0', async () => {
    expect((await cli(['validate', LIB])).code).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      ['run', '--shard', '4/3', LIB],
      ['run', '--reporter', 'html', LIB],
      ['run', '--timeout', 'soon', LIB],
      ['run', '--grep', '(', LIB],
      ['run', '--backend', 'bochs', LIB],
      ['run', '--no-such-flag'],
      ['frobnicate'],
      ['run', 'test/fixtures/does-not-exist'],
    ]) {
      const r = await cli(argv);
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 2]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses --update under CI=true', async () => {
    const r = await cli(['run', '--update', LIB], { env: { CI: 'true' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--update refuses to write under CI=true');
  });

  it('prints the JSON Schema', async () => {
    const r = await cli(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('$schema');
  });
});
