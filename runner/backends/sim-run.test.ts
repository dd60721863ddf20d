import { describe, expect, it } from 'vitest';
import { simBackend } from './sim.ts';
import { chainSetup } from './test-setup.ts';

const setup = chainSetup('2M', ['write -P 0xaa 0 2M']);

const statuses = (events: readonly { event: string; data: Readonly<Record<string, unknown>> }[]) =>
  events.filter((e) => e.event === 'JOB_STATUS_CHANGE').map((e) => e.data['status']);

describe('sim backend runJob', () => {
  it('runs a stream chunk by chunk, then until pending, and keeps every event for takeEvents', async () => {
    const s = await simBackend().open(setup);
    await s.qmp('block-stream', { 'job-id': 's0', device: 'top', 'auto-finalize': false });
    expect(await s.runJob?.('s0', { chunks: 1 })).toEqual({ ok: true, status: 'running' });
    expect(await s.runJob?.('s0', { until: 'pending' })).toEqual({ ok: true, status: 'pending' });
    expect(await s.runJob?.('s0', 'settle')).toEqual({ ok: true, status: 'pending' });
    expect(statuses(await s.takeEvents())).toEqual(['created', 'running', 'waiting', 'pending']);
    await s.close();
  });

  it('holds a status passed inside a chunk, and fails one never reached', async () => {
    const s = await simBackend().open(setup);
    await s.qmp('block-stream', { 'job-id': 's0', device: 'top' });
    expect(await s.runJob?.('s0', { until: 'concluded' })).toEqual({ ok: true, status: 'null' });
    expect(await s.runJob?.('s0', { until: 'ready' })).toEqual({ ok: false, desc: "Job 's0' is gone without reaching status 'ready'" });
    expect(await s.runJob?.('s0', 'settle')).toEqual({ ok: true, status: 'null' });
    expect(await s.runJob?.('nope', 'settle')).toEqual({ ok: false, desc: "Job 'nope' not found" });
    await s.close();
  });
});
