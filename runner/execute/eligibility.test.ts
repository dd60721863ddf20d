import { describe, expect, it } from 'vitest';
import type { Semantics } from '../backends/backend.ts';
import type { ScenarioCase, Step } from '../scenario/types.ts';
import type { SourceSpan } from '../source.ts';
import { eligibilityRules, ineligibility, stepRule } from './eligibility.ts';

const span = (line: number): SourceSpan => ({ file: 'c.yaml', start: line * 10, end: line * 10 + 5, line, col: 3, sourceLine: '' });

function scenario(steps: Step[], semantics: Semantics = 'qemu-7.2'): ScenarioCase {
  return {
    file: 'c.yaml', scenario: 's', axes: {}, name: 's', about: '', tags: [], semantics,
    setup: { images: [], blockdevs: [], devices: [], semantics }, steps, span: span(1),
  };
}

const qmp = (command: string, args: Record<string, unknown>, line: number): Step => ({ kind: 'qmp', command, args, span: span(line) });

describe('eligibility rules', () => {
  it('each rule has a distinct name', () => {
    const names = eligibilityRules.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('a plain qemu-7.2 case runs everywhere', () => {
    const c = scenario([qmp('block-dirty-bitmap-add', { node: 'top', name: 'b0' }, 2), { kind: 'restart', span: span(3) }]);
    expect([ineligibility(c, 'sim'), ineligibility(c, 'qemu')]).toEqual([undefined, undefined]);
  });

  it('semantics: another dirtying rule exists only in the simulator', () => {
    const c = scenario([], 'write-unchanged-clean');
    expect(ineligibility(c, 'qemu')).toBe('semantics write-unchanged-clean exists only in the simulator');
    expect(ineligibility(c, 'sim')).toBeUndefined();
  });

  it('job-chunks: a run by chunks is the simulator\'s; until a status or settling runs on both', () => {
    const byChunks = scenario([{ kind: 'run', job: 's0', limit: 'settle', span: span(3) }, { kind: 'run', job: 's0', limit: { chunks: 2 }, span: span(4) }]);
    expect(ineligibility(byChunks, 'qemu')).toBe('run s0 by 2 chunk(s): QEMU cannot stop a job after exactly N chunks (line 4)');
    expect(ineligibility(byChunks, 'sim')).toBeUndefined();
    expect(ineligibility(scenario([{ kind: 'run', job: 's0', limit: { until: 'pending' }, span: span(3) }]), 'qemu')).toBeUndefined();
  });

  it('drive-bitmaps: a bitmap command on a device, direct or in a transaction, names the first such step', () => {
    const direct = scenario([qmp('block-dirty-bitmap-add', { node: 'top', name: 'b0' }, 2), qmp('block-dirty-bitmap-add', { device: 'vda', name: 'd0' }, 5)]);
    expect(ineligibility(direct, 'qemu')).toBe('drive bitmaps (block-dirty-bitmap-add on a device) are a simulator extension QEMU lacks (line 5)');
    const grouped = scenario([qmp('transaction', { actions: [{ type: 'block-dirty-bitmap-clear', data: { device: 'vda', name: 'd0' } }] }, 7)]);
    expect(ineligibility(grouped, 'qemu')).toMatch(/block-dirty-bitmap-clear on a device.*\(line 7\)$/);
    expect(ineligibility(direct, 'sim')).toBeUndefined();
  });

  it('a rule added to the list applies only to its backends', () => {
    const noRestart = stepRule('no-restart', ['sim'], (s) => (s.kind === 'restart' ? 'restart is not modelled' : undefined));
    const c = scenario([{ kind: 'restart', span: span(4) }]);
    expect(ineligibility(c, 'sim', [...eligibilityRules, noRestart])).toBe('restart is not modelled (line 4)');
    expect(ineligibility(c, 'qemu', [...eligibilityRules, noRestart])).toBeUndefined();
  });
});
