/**
 * The sync bitmap outcomes: reference 4.6's verified table, then the iotest-257 crossing of
 * sync × bitmap-mode × outcome with the expectation derived from the rules, not from the code.
 */
import { describe, expect, it } from 'vitest';
import { size } from '../size.ts';
import { advanceJob } from './advance.ts';
import { B0_CLUSTERS, backupMachine, bitmap, dirtyOffsets, listed } from './backup-fixture.ts';
import { guest, qmp } from './test-chain.ts';

const K64 = 65536;
const NEW = size('3M');
type Mode = 'on-success' | 'never' | 'always';

function start(m: ReturnType<typeof backupMachine>, args: Record<string, unknown>): void {
  expect(qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', ...args })).toEqual({ return: {} });
}

describe('reference 4.6 outcome table (b0 = 4 clusters, one new cluster written during the job)', () => {
  const rows: { name: string; sync: string; mode: Mode | undefined; write: boolean; end: 'success' | 'cancel-after-1'; count: number }[] = [
    { name: 'full / on-success, success, no writes', sync: 'full', mode: 'on-success', write: false, end: 'success', count: 0 },
    { name: 'bitmap / on-success, success', sync: 'bitmap', mode: 'on-success', write: true, end: 'success', count: 65536 },
    { name: 'bitmap / on-success, cancel', sync: 'bitmap', mode: 'on-success', write: true, end: 'cancel-after-1', count: 327680 },
    { name: 'bitmap / always, cancel after 1 cluster', sync: 'bitmap', mode: 'always', write: true, end: 'cancel-after-1', count: 262144 },
    { name: 'bitmap / never, cancel', sync: 'bitmap', mode: 'never', write: true, end: 'cancel-after-1', count: 327680 },
    { name: 'bitmap / never, success, no writes', sync: 'bitmap', mode: 'never', write: false, end: 'success', count: 262144 },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const m = backupMachine();
      start(m, { target: 'tgt', sync: row.sync, bitmap: 'b0', 'bitmap-mode': row.mode });
      advanceJob(m, 'j', { chunks: 1 });
      if (row.write) guest(m, 'write -P 0x22 3M 64K');
      if (row.end === 'success') expect(advanceJob(m, 'j', 'settle')).toMatchObject({ status: 'null' });
      else expect(qmp(m, 'job-cancel', { id: 'j' })).toEqual({ return: {} });
      expect(listed(m, 'src')).toEqual([['b0', row.count, true, false]]);
    });
  }

  it('manual finalize: pending keeps b0 busy behind an anonymous successor; job-finalize leaves b0 = 0', () => {
    const m = backupMachine();
    start(m, { target: 'tgt', sync: 'full', bitmap: 'b0', 'bitmap-mode': 'on-success', 'auto-finalize': false });
    expect(advanceJob(m, 'j', 'settle')).toMatchObject({ status: 'pending' });
    expect(listed(m, 'src').slice(1)).toEqual([['<anon>', 0, true, false], ['b0', 4 * K64, true, true]]);
    qmp(m, 'job-finalize', { id: 'j' });
    expect(listed(m, 'src')).toEqual([['b0', 0, true, false]]);
  });

  it('a disabled b0: the successor is disabled too, so nothing records and reclaim leaves it disabled', () => {
    const m = backupMachine();
    qmp(m, 'block-dirty-bitmap-disable', { node: 'src', name: 'b0' });
    start(m, { target: 'tgt', sync: 'bitmap', bitmap: 'b0', 'bitmap-mode': 'on-success' });
    expect(listed(m, 'src')[2]).toEqual(['b0', 4 * K64, false, true]);
    guest(m, 'write -P 0x22 3M 64K');
    qmp(m, 'job-cancel', { id: 'j' });
    expect(listed(m, 'src')).toEqual([['b0', 4 * K64, false, false]]);
  });
});

/**
 * iotest 257's matrix. The target is a blkdebug node over tgt whose rule fails the write that
 * copies cluster 128K (sector 256) once a data write has been seen. Each case: start, copy one
 * cluster (0), a guest write of the new cluster 3M, then
 *   success  run to the end (no rule);  failure  run to the end (the rule fails cluster 128K);
 *   cancel   job-cancel.
 * Clusters are copied in ascending order; the guest write copies 3M first when it is still to copy.
 */
describe('iotest-257 crossing: sync × bitmap-mode × outcome', () => {
  const ALL = Array.from({ length: 64 }, (_, i) => i * K64);
  const toCopy: Record<string, number[]> = { bitmap: B0_CLUSTERS, top: B0_CLUSTERS, full: ALL };

  function expected(sync: string, mode: Mode, outcome: string): number[] {
    const original = B0_CLUSTERS;
    const fresh = [NEW];
    const union = (...sets: number[][]) => [...new Set(sets.flat())].sort((a, b) => a - b);
    if (mode === 'never') return union(original, fresh);
    if (outcome === 'success') return fresh;
    if (mode === 'on-success') return union(original, fresh);
    // always, after a failure or cancel: the writes since the start and what was not copied.
    const plan = toCopy[sync] ?? [];
    const copied = new Set([0, ...(plan.includes(NEW) ? [NEW] : [])]);
    // On failure the job got as far as the failing cluster 128K (full copies 64K on the way).
    if (outcome === 'failure') for (const c of plan) if (c < size('128K')) copied.add(c);
    return union(fresh, plan.filter((c) => !copied.has(c)));
  }

  for (const sync of ['bitmap', 'full', 'top']) {
    for (const mode of ['on-success', 'never', 'always'] as const) {
      for (const outcome of ['success', 'failure', 'cancel']) {
        it(`${sync} / ${mode} / ${outcome}`, () => {
          const m = backupMachine();
          const rule = outcome === 'failure' ? [{ event: 'pwritev', sector: 256 }] : [];
          qmp(m, 'blockdev-add', { driver: 'blkdebug', 'node-name': 'dbg', image: 'tgt', 'inject-error': rule });
          const reply = qmp(m, 'blockdev-backup', { 'job-id': 'j', device: 'src', target: 'dbg', sync, bitmap: 'b0', 'bitmap-mode': mode });
          if (mode === 'never' && sync !== 'bitmap') {
            expect(reply).toEqual({
              error: { class: 'GenericError', desc: `Bitmap sync mode 'never' has no meaningful effect when combined with sync mode '${sync}'` },
            });
            return;
          }
          expect(reply).toEqual({ return: {} });
          advanceJob(m, 'j', { chunks: 1 });
          guest(m, 'write -P 0x22 3M 64K');
          if (outcome === 'cancel') qmp(m, 'job-cancel', { id: 'j' });
          else expect(advanceJob(m, 'j', 'settle')).toMatchObject({ status: 'null' });
          const b0 = bitmap(m, 'src', 'b0');
          expect([b0.busy, b0.recording, m.graph.node('src')?.dirtyBitmaps.length]).toEqual([false, true, 1]);
          expect(dirtyOffsets(b0)).toEqual(expected(sync, mode, outcome));
        });
      }
    }
  }
});
