import { describe, expect, it } from 'vitest';
import type { Backend, BackendSession, NodeObservation } from '../backends/backend.ts';
import type { ExpectedError, ScenarioCase, Step } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { runCase } from './run-case.ts';
import { Unsupported } from './unsupported.ts';

const span = (line: number): SourceSpan => ({ file: 'c.yaml', start: line * 10, end: line * 10 + 5, line, col: 3, sourceLine: '' });

function scenario(steps: Step[]): ScenarioCase {
  return {
    file: 'c.yaml', scenario: 's', axes: {}, name: 's', about: '', tags: [], semantics: 'qemu-7.2',
    setup: { images: [], blockdevs: [], devices: [], semantics: 'qemu-7.2' }, steps, span: span(1),
  };
}

/** A scripted session: QMP commands answer from a table, everything else succeeds. */
function backend(over: Partial<BackendSession> = {}, nodes: NodeObservation[] = []): Backend & { closed: number } {
  const b = {
    name: 'sim' as const,
    closed: 0,
    describe: async () => 'fake',
    open: async (): Promise<BackendSession> => ({
      qmp: async (cmd) => (cmd === 'bad' ? { error: { class: 'GenericError', desc: 'Bitmap already exists: b0' } } : { return: {} }),
      io: async () => ({ ok: true }),
      observe: async () => nodes,
      takeEvents: async () => [],
      restart: async () => {},
      crash: async () => {},
      close: async () => { b.closed++; },
      ...over,
    }),
  };
  return b;
}

const qmp = (command: string, line: number, expectError?: ExpectedError): Step =>
  expectError === undefined ? { kind: 'qmp', command, args: {}, span: span(line) } : { kind: 'qmp', command, args: {}, span: span(line), expectError };

describe('runCase', () => {
  it('passes when errors are the expected ones', async () => {
    const expectError = { kind: 'desc' as const, class: { value: 'GenericError', span: span(3) }, desc: { value: 'Bitmap already exists: b0', span: span(4) }, span: span(3) };
    const b = backend();
    const r = await runCase(scenario([qmp('ok', 2), qmp('bad', 3, expectError)]), b, 1000);
    expect(r.result.status).toBe('passed');
    expect(r.result.id).toBe('c.yaml#s@sim');
    expect(r.observed).toContainEqual({ span: span(4), text: '"Bitmap already exists: b0"', holds: true });
    expect(b.closed).toBe(1);
  });

  it('fails at the step on an unexpected error and runs no further', async () => {
    const r = await runCase(scenario([qmp('bad', 2), { kind: 'restart', span: span(3) }]), backend({ restart: async () => { throw new Error('ran on'); } }), 1000);
    expect(r.result.status).toBe('failed');
    expect(r.result.failures.map((f) => [f.code, f.span.line, f.actual])).toEqual([['unexpected-error', 2, 'GenericError: Bitmap already exists: b0']]);
  });

  it('reports a missing error at the expect-error', async () => {
    const expectError = { kind: 'match' as const, match: { value: /exists/, span: span(5) }, span: span(5) };
    const r = await runCase(scenario([qmp('ok', 4, expectError)]), backend(), 1000);
    expect(r.result.failures.map((f) => [f.code, f.span.line])).toEqual([['missing-error', 5]]);
  });

  it('turns a hung backend into a timeout failure at the hung step', async () => {
    const b = backend({ io: () => new Promise(() => {}) });
    const r = await runCase(scenario([qmp('ok', 2), { kind: 'io', target: 'vda', line: 'read 0 4K', span: span(7) }]), b, 50);
    expect(r.result.status).toBe('failed');
    expect(r.result.failures.map((f) => [f.code, f.span.line])).toEqual([['timeout', 7]]);
    expect(b.closed).toBe(1);
  });

  it('skips on Unsupported and errors on a broken backend, pointing at the step', async () => {
    const skipped = await runCase(scenario([{ kind: 'crash', span: span(2) }]), backend({ crash: async () => { throw new Unsupported('crash: not supported yet'); } }), 1000);
    expect([skipped.result.status, skipped.result.skipReason]).toEqual(['skipped', 'crash: not supported yet']);
    const broken = await runCase(scenario([{ kind: 'restart', span: span(3) }]), backend({ restart: async () => { throw new Error('socket closed'); } }), 1000);
    expect(broken.result.status).toBe('error');
    expect([broken.result.error?.code, broken.result.error?.span.line, broken.result.error?.message]).toEqual(['backend-error', 3, 'sim backend: socket closed']);
  });

  it('checks expectations against the observation and keeps going after a mismatch', async () => {
    const nodes: NodeObservation[] = [{ nodeName: 'top', driver: 'qcow2', bitmaps: [] }];
    const expectStep: Step = {
      kind: 'expect', bitmaps: [], io: [], jobs: [], span: span(8),
      nodes: [{ node: 'mid', keySpan: span(9), exists: { value: true, span: span(9) } }],
    };
    const r = await runCase(scenario([expectStep, qmp('bad', 10)]), backend({}, nodes), 1000);
    expect(r.result.failures.map((f) => f.code)).toEqual(['node-mismatch', 'unexpected-error']);
    expect(r.observed).toContainEqual({ span: span(9), text: 'false', holds: false });
  });
});
