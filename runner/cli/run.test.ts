/** `dirtysim run` on the simulator: exit codes, colour, --bail, --timeout and several reporters. */
import { describe, expect, it } from 'vitest';
import type { Backend, BackendSession } from '../backends/backend.ts';
import { resolveBackends } from './backend-registry.ts';
import { runCaptured as cli } from './capture.ts';

const PASSING = 'test/fixtures/library';
const FAILING = 'test/fixtures/update/stale.yaml';

/** A backend whose every QMP command hangs: what a wedged QEMU looks like to the runner. */
const hanging: Backend = {
  name: 'qemu',
  describe: async () => 'a wedged backend',
  open: async (): Promise<BackendSession> => ({
    qmp: () => new Promise(() => {}),
    io: async () => ({ ok: true }),
    observe: async () => [],
    takeEvents: async () => [],
    restart: async () => {},
    crash: async () => {},
    close: async () => {},
  }),
};

describe('dirtysim run', () => {
  it('exits 0 when all pass and 1 when some fail', async () => {
    expect((await cli(['run', PASSING], { resolveBackends })).code).toBe(0);
    const r = await cli(['run', PASSING, FAILING], { resolveBackends });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 passed, 1 failed, 0 errors, 0 skipped (4 cases)');
  });

  it('exits 2 when a file is invalid, still running the others', async () => {
    const r = await cli(['run', PASSING, 'test/fixtures/invalid/bad-size.yaml'], { resolveBackends });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('3 passed');
    expect(r.stdout).toContain("test/fixtures/invalid/bad-size.yaml:4:32: error[bad-size]: '12Q' is not a size");
  });

  it('colours only a terminal, and never under a non-empty NO_COLOR', async () => {
    const esc = /\x1b\[/;
    expect((await cli(['run', FAILING], { resolveBackends, isTTY: true })).stdout).toMatch(esc);
    expect((await cli(['run', FAILING], { resolveBackends, isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(esc);
    // no-color.org: an empty NO_COLOR is as if it were unset.
    expect((await cli(['run', FAILING], { resolveBackends, isTTY: true, env: { NO_COLOR: '' } })).stdout).toMatch(esc);
    expect((await cli(['run', FAILING], { resolveBackends, isTTY: false })).stdout).not.toMatch(esc);
  });

  it('stops after the first failing case with --bail', async () => {
    const r = await cli(['run', '--bail', FAILING, PASSING], { resolveBackends });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('0 passed, 1 failed, 0 errors, 0 skipped (1 case)');
  });

  it('turns a hung backend into a timeout failure within --timeout', async () => {
    const started = performance.now();
    const r = await cli(['run', '--timeout', '100', '--reporter', 'json', `${PASSING}/clear.yaml`], {
      resolveBackends: async () => ({ ok: true, backends: [hanging] }),
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout) as { cases: { failures: { code: string; span: { line: number } }[] }[] };
    expect(summary.cases[0]?.failures.map((f) => [f.code, f.span.line])).toEqual([['timeout', 10]]);
  });
});
