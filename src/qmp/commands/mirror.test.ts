import { describe, expect, it } from 'vitest';
import { mirrorMachine } from '../../jobs/mirror-fixture.ts';
import { qmp } from '../../jobs/test-chain.ts';
import { mirrorCommands } from './mirror.ts';

const err = (desc: string) => ({ error: { class: 'GenericError', desc } });

describe('mirror QMP commands', () => {
  it('offers blockdev-mirror and drive-mirror', () => {
    expect(Object.keys(mirrorCommands)).toEqual(['blockdev-mirror', 'drive-mirror']);
  });

  it('members differ as in QAPI: blockdev-mirror has no unmap, drive-mirror no filter-node-name', () => {
    const m = mirrorMachine();
    const a = { 'job-id': 'm', device: 'src', target: 'tgt', sync: 'full' };
    expect(qmp(m, 'blockdev-mirror', { ...a, unmap: false })).toEqual(err("Parameter 'unmap' is unexpected"));
    expect(qmp(m, 'drive-mirror', { ...a, target: 'x.qcow2', 'filter-node-name': 'f' })).toEqual(err("Parameter 'filter-node-name' is unexpected"));
    expect(qmp(m, 'blockdev-mirror', { 'job-id': 'm', device: 'src', target: 'tgt' })).toEqual(err("Parameter 'sync' is missing"));
    expect(m.events).toEqual([]);
  });

  it('granularity is a uint32 and copy-mode an enum (texts probed on 7.2.22)', () => {
    const m = mirrorMachine();
    const a = { 'job-id': 'm', device: 'src', target: 'tgt', sync: 'full' };
    expect(qmp(m, 'blockdev-mirror', { ...a, granularity: -1 })).toEqual(err("Parameter 'granularity' expects uint32_t"));
    expect(qmp(m, 'blockdev-mirror', { ...a, 'copy-mode': 'eager' })).toEqual(err("Parameter 'copy-mode' does not accept value 'eager'"));
    expect(qmp(m, 'blockdev-mirror', { ...a, 'copy-mode': 'write-blocking' })).toEqual({ return: {} });
  });
});
