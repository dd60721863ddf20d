import { describe, expect, it } from 'vitest';
import type { ScenarioCase, Step } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { runAll } from './run.ts';
import { runsWholeCases, simThreadBackend } from './sim-thread.ts';

const span = (line: number): SourceSpan => ({ file: 'c.yaml', start: line * 10, end: line * 10 + 5, line, col: 3, sourceLine: '' });
const qmp = (command: string, line: number, args: Record<string, unknown> = {}): Step => ({ kind: 'qmp', command, args, span: span(line) });

function scenario(name: string, steps: Step[]): ScenarioCase {
  return {
    file: 'c.yaml', scenario: name, axes: {}, name, about: '', tags: [], semantics: 'qemu-7.2',
    setup: { images: [], blockdevs: [{ driver: 'null-co', 'node-name': 'n0', size: 1048576 }], devices: [], semantics: 'qemu-7.2' },
    steps, span: span(1),
  };
}

const add = qmp('block-dirty-bitmap-add', 2, { node: 'n0', name: 'b0' });
const expectB0: Step = {
  kind: 'expect', io: [], nodes: [], jobs: [], span: span(5),
  bitmaps: [{ node: 'n0', name: 'b0', keySpan: span(5), span: span(6), expected: { count: { value: 0, span: span(6) } } }],
};

describe('the simulator in a worker thread', () => {
  it('runs cases there with the same results as in-process', async () => {
    const b = simThreadBackend();
    expect(runsWholeCases(b)).toBe(true);
    expect(await b.describe()).toMatch(/worker thread/);
    const { summary } = await runAll([scenario('ok', [add, expectB0]), scenario('dup', [add, add])], [b], [], { timeoutMs: 5000, bail: false });
    expect(summary.cases.map((r) => [r.id, r.status, r.failures.map((f) => f.code)])).toEqual([
      ['c.yaml#ok@sim', 'passed', []],
      ['c.yaml#dup@sim', 'failed', ['unexpected-error']],
    ]);
  });

  it('turns a simulator stuck in a loop into a timeout at the stuck step, then runs the next case', async () => {
    const b = simThreadBackend(new URL('./sim-thread.fixture-worker.mjs', import.meta.url));
    const { summary } = await runAll([scenario('spins', [add, qmp('x-spin', 3), expectB0]), scenario('after', [add, expectB0])], [b], [], { timeoutMs: 300, bail: false });
    const [spins, after] = summary.cases;
    expect([spins?.status, spins?.failures.map((f) => [f.code, f.span.line])]).toEqual(['failed', [['timeout', 3]]]);
    expect(after?.status).toBe('passed');
  });

  it('reports a thread that died as a backend error', async () => {
    const b = simThreadBackend(new URL('./sim-thread.fixture-worker.mjs', import.meta.url));
    const { summary } = await runAll([scenario('exits', [qmp('x-exit', 2)])], [b], [], { timeoutMs: 2000, bail: false });
    expect([summary.cases[0]?.status, summary.cases[0]?.error?.code, summary.cases[0]?.error?.message]).toEqual([
      'error', 'backend-error', "sim backend: the simulator's thread exited with code 3",
    ]);
  });
});
