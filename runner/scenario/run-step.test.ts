import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.ts';

const text = `scenario: s
about: x
graph:
  base: { driver: qcow2, size: 1M }
  top: { driver: qcow2, backing: base }
steps:
  - block-stream: { job-id: s0, device: top, auto-finalize: false }
  - run: { job: s0, chunks: 1 }
  - run: { job: s0, until: pending }
  - block-job-finalize: { id: s0 }
  - run: s0
  - run: gone
    expect-error: { desc: "Job 'gone' not found" }
  - expect:
      events: { s0: [created, running, BLOCK_JOB_PENDING type=stream] }
`;

describe('run steps and events expectations', () => {
  it('build typed steps; a run meant to fail may name any job', () => {
    const r = loadScenarioText('s.yaml', text);
    expect(r.diagnostics).toEqual([]);
    const steps = r.cases[0]?.steps ?? [];
    expect(steps.filter((s) => s.kind === 'run').map((s) => [s.job, s.limit])).toEqual([
      ['s0', { chunks: 1 }], ['s0', { until: 'pending' }], ['s0', 'settle'], ['gone', 'settle'],
    ]);
    const last = steps.at(-1);
    expect(last?.kind === 'expect' && last.events?.map((e) => [e.id, e.expected.value])).toEqual([['s0', ['created', 'running', 'BLOCK_JOB_PENDING type=stream']]]);
  });
});
