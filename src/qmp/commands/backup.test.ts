import { describe, expect, it } from 'vitest';
import { backupMachine, listed } from '../../jobs/backup-fixture.ts';
import { advanceJob } from '../../jobs/advance.ts';
import { node, qmp, takeEvents } from '../../jobs/test-chain.ts';
import { size } from '../../size.ts';

const base = { 'job-id': 'j', device: 'src', target: 'tgt', sync: 'full' };
const err = (desc: string) => ({ error: { class: 'GenericError', desc } });

describe('blockdev-backup misuse, in QEMU 7.2 check order (texts probed on 7.2.22)', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['unknown source', { device: 'nope', target: 'nope2' }, "Cannot find device='nope' nor node-name='nope'"],
    ['unknown target', { target: 'nope2' }, "Cannot find device='nope2' nor node-name='nope2'"],
    ['sync=bitmap without bitmap', { sync: 'bitmap', 'job-id': '1x' }, "must provide a valid bitmap name for 'bitmap' sync mode"],
    ['sync=incremental without bitmap', { sync: 'incremental' }, "must provide a valid bitmap name for 'incremental' sync mode"],
    ['incremental with mode always', { sync: 'incremental', bitmap: 'nope', 'bitmap-mode': 'always' }, "Bitmap sync mode must be 'on-success' when using sync mode 'incremental'"],
    ['unknown bitmap', { bitmap: 'nope' }, "Bitmap 'nope' could not be found"],
    ['bitmap without mode', { bitmap: 'b0' }, 'Bitmap sync mode must be given when providing a bitmap'],
    ['sync=none with bitmap', { sync: 'none', bitmap: 'b0', 'bitmap-mode': 'always' }, "sync mode 'none' does not produce meaningful bitmap outputs"],
    ['never with full', { bitmap: 'b0', 'bitmap-mode': 'never' }, "Bitmap sync mode 'never' has no meaningful effect when combined with sync mode 'full'"],
    ['never with top', { sync: 'top', bitmap: 'b0', 'bitmap-mode': 'never' }, "Bitmap sync mode 'never' has no meaningful effect when combined with sync mode 'top'"],
    ['mode without bitmap', { 'bitmap-mode': 'always' }, 'Cannot specify bitmap sync mode without a bitmap'],
    ['source is target', { target: 'src', 'job-id': '1x' }, 'Source and target cannot be the same'],
    ['compress to raw', { target: 'raw', compress: true }, 'Compression is not supported for this drive '],
    ['max-workers 0', { 'x-perf': { 'max-workers': 0 } }, 'max-workers must be between 1 and 2147483647'],
    ['max-chunk < 0', { 'x-perf': { 'max-chunk': -1 } }, 'max-chunk must be zero (which means no limit) or positive'],
    ['sizes differ', { target: 'small', 'job-id': '1x' }, 'Source and target image have different sizes'],
    ['filter-node-name taken', { 'filter-node-name': 'src', 'job-id': '1x' }, "Could not create node: Duplicate nodes with node-name='src'"],
    ['max-chunk < cluster', { 'x-perf': { 'max-chunk': 4096 }, 'job-id': '1x' }, 'Required max-chunk (4096) is less than backup cluster size (65536)'],
    ['bad job id', { 'job-id': '1x' }, "Invalid job ID '1x'"],
    ['no job id', { 'job-id': undefined }, "Invalid job ID ''"],
    ['negative speed', { speed: -1 }, "Parameter 'speed' expects a non-negative value"],
  ];
  for (const [name, args, desc] of cases) {
    it(name, () => {
      const m = backupMachine();
      qmp(m, 'blockdev-add', { driver: 'raw', 'node-name': 'raw', file: { driver: 'null-co', size: size('4M') } });
      qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 'small', size: size('1M') });
      const full = Object.fromEntries(Object.entries({ ...base, ...args }).filter(([, v]) => v !== undefined));
      const before = listed(m, 'src');
      expect(qmp(m, 'blockdev-backup', full)).toEqual(err(desc));
      // A refusal leaves no trace: no successor, no filter.
      expect(listed(m, 'src')).toEqual(before);
      expect(m.graph.device('vda')?.root).toBe(node(m, 'src'));
    });
  }

  it('a busy sync bitmap: refused by the ALLOW_RO check', () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { ...base, sync: 'bitmap', bitmap: 'b0', 'bitmap-mode': 'on-success', 'auto-finalize': false });
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 't2', size: size('4M') });
    expect(qmp(m, 'blockdev-backup', { ...base, 'job-id': 'k', target: 't2', sync: 'bitmap', bitmap: 'b0', 'bitmap-mode': 'never' })).toEqual(
      err("Bitmap 'b0' is currently in use by another operation and cannot be used"),
    );
  });

  it("a running backup's target is busy; its source is not (a second backup of src is accepted)", () => {
    const m = backupMachine();
    qmp(m, 'blockdev-backup', { ...base, 'auto-finalize': false });
    qmp(m, 'blockdev-add', { driver: 'null-co', 'node-name': 't2', size: size('4M') });
    expect(qmp(m, 'blockdev-backup', { ...base, 'job-id': 'k', device: 't2', target: 'tgt' })).toEqual(
      err("Node 'tgt' is busy: block device is in use by block job: backup"),
    );
    expect(qmp(m, 'blockdev-backup', { ...base, 'job-id': 'j', target: 't2' })).toEqual(err("Job ID 'j' already in use"));
    expect(qmp(m, 'blockdev-backup', { ...base, 'job-id': 'k', target: 't2' })).toEqual({ return: {} });
  });

  it('QAPI argument errors: sync is required and an enum', () => {
    const m = backupMachine();
    expect(qmp(m, 'blockdev-backup', { device: 'src', target: 'tgt' })).toEqual(err("Parameter 'sync' is missing"));
    expect(qmp(m, 'blockdev-backup', { ...base, sync: 'mirror' })).toEqual(err("Parameter 'sync' does not accept value 'mirror'"));
  });
});

describe('drive-backup', () => {
  it('creates the target image, opens it with detect-zeroes=unmap, and closes it when the job ends', () => {
    const m = backupMachine();
    takeEvents(m);
    expect(qmp(m, 'drive-backup', { 'job-id': 'd', device: 'src', target: 'db.qcow2', sync: 'full', 'auto-finalize': false })).toEqual({ return: {} });
    expect(takeEvents(m)).toEqual(['created', 'running', 'paused', 'running']);
    const target = m.graph.nodes().find((n) => n.driver.filename(n) === 'db.qcow2' && n.driver.name === 'qcow2');
    expect([target?.implicit, target?.detectZeroes, target?.discard, target?.length()]).toEqual([true, 'unmap', 'unmap', size('4M')]);
    advanceJob(m, 'd', 'settle');
    qmp(m, 'job-finalize', { id: 'd' });
    expect(m.graph.nodes().some((n) => n.driver.filename(n) === 'db.qcow2')).toBe(false);
    expect(m.images.get('db.qcow2')).toBeDefined();
  });

  it('sync=none gives the target the source as backing (the fleecing layout)', () => {
    const m = backupMachine();
    qmp(m, 'drive-backup', { 'job-id': 'd', device: 'src', target: 'dn.qcow2', sync: 'none' });
    const target = m.graph.nodes().find((n) => n.driver.filename(n) === 'dn.qcow2' && n.driver.name === 'qcow2');
    expect(target?.child('backing')).toBe(node(m, 'src'));
  });

  it('a refusal after the image was created closes the target again', () => {
    const m = backupMachine();
    expect(qmp(m, 'drive-backup', { 'job-id': 'd', device: 'src', target: 'x.qcow2', sync: 'full', bitmap: 'b0' })).toEqual(
      err('Bitmap sync mode must be given when providing a bitmap'),
    );
    expect(m.graph.nodes().some((n) => n.driver.filename(n) === 'x.qcow2')).toBe(false);
  });

  it('an unknown format is refused before anything is created', () => {
    const m = backupMachine();
    expect(qmp(m, 'drive-backup', { 'job-id': 'd', device: 'src', target: 'x.qcow2', sync: 'full', format: 'vmdkx' })).toEqual(err("Unknown file format 'vmdkx'"));
    expect(m.images.get('x.qcow2')).toBeUndefined();
  });
});
