import { describe, expect, it } from 'vitest';
import { add, machineWith } from '../io/test-support.ts';
import { mirrorMachine } from './mirror-fixture.ts';
import { createTargetImage } from './target-image.ts';
import { node } from './test-chain.ts';

describe('createTargetImage', () => {
  it('records the backing node image and format in the new header', () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'src'), backingFormatOf: 'node' })).toBeUndefined();
    expect(m.images.get('n.qcow2')).toMatchObject({ size: 4194304, backingFile: 'src.qcow2', backingFormat: 'qcow2' });
  });

  it('without a backing node writes a plain image', () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.qcow2', format: 'qcow2', size: 1048576, backing: undefined, backingFormatOf: 'node' })).toBeUndefined();
    expect(m.images.get('n.qcow2')).toMatchObject({ size: 1048576, backingFile: undefined, backingFormat: undefined });
  });

  it("a filter node is named by its json: file name; by default the format under it is recorded", () => {
    const m = mirrorMachine();
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg0', file: 'src' });
    createTargetImage(m, { filename: 'own.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'thr'), backingFormatOf: 'node' });
    createTargetImage(m, { filename: 'below.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'thr') });
    // As qemu-img info showed for drive-backup sync=none of a throttle node on 7.2.22 (its format
    // `throttle` is not one the simulated header holds).
    const json = 'json:{"throttle-group": "tg0", "driver": "throttle", "file": {"driver": "qcow2", "file": {"driver": "file", "filename": "src.qcow2"}}}';
    expect(m.images.get('own.qcow2')).toMatchObject({ backingFile: json, backingFormat: undefined });
    expect(m.images.get('below.qcow2')).toMatchObject({ backingFile: json, backingFormat: 'qcow2' });
  });

  it('names a node opened by absolute path over an overridden backing link by its json: name', () => {
    const m = machineWith('qemu-7.2', [
      { filename: 'base.qcow2', format: 'qcow2', size: 1048576 },
      { filename: 'mid.qcow2', format: 'qcow2', backingFile: 'base.qcow2', backingFormat: 'qcow2' },
    ]);
    const file = (name: string) => ({ driver: 'file', filename: `/dirtysim/session/${name}` });
    add(m, { driver: 'qcow2', 'node-name': 'base', file: file('base.qcow2') });
    const mid = add(m, { driver: 'qcow2', 'node-name': 'mid', backing: 'base', file: file('mid.qcow2') });
    const base = node(m, 'base');
    expect(createTargetImage(m, { filename: 't.qcow2', format: 'qcow2', size: 1048576, backing: mid })).toBeUndefined();
    expect(createTargetImage(m, { filename: 'b.qcow2', format: 'qcow2', size: 1048576, backing: base })).toBeUndefined();
    // What qemu-img info showed as backing file of a drive-mirror sync=top target on 7.2.22.
    expect(m.images.get('t.qcow2')).toMatchObject({
      backingFile:
        'json:{"backing": {"driver": "qcow2", "file": {"driver": "file", "filename": "/dirtysim/session/base.qcow2"}}, ' +
        '"driver": "qcow2", "file": {"driver": "file", "filename": "/dirtysim/session/mid.qcow2"}}',
      backingFormat: 'qcow2',
    });
    expect(m.images.get('b.qcow2')).toMatchObject({ backingFile: '/dirtysim/session/base.qcow2', backingFormat: 'qcow2' });
  });

  it("returns qemu-img's message on failure", () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.raw', format: 'raw', size: 4194304, backing: node(m, 'src'), backingFormatOf: 'node' })).toBe("Backing file not supported for file format 'raw'");
  });
});
