import { describe, expect, it } from 'vitest';
import { add } from '../io/test-support.ts';
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

  it("a filter gives its child's file; by default the format under it is recorded the format under it", () => {
    const m = mirrorMachine();
    add(m, { driver: 'throttle', 'node-name': 'thr', 'throttle-group': 'tg0', file: 'src' });
    createTargetImage(m, { filename: 'own.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'thr'), backingFormatOf: 'node' });
    createTargetImage(m, { filename: 'below.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'thr') });
    expect(m.images.get('own.qcow2')).toMatchObject({ backingFile: 'src.qcow2', backingFormat: undefined });
    expect(m.images.get('below.qcow2')).toMatchObject({ backingFile: 'src.qcow2', backingFormat: 'qcow2' });
  });

  it("returns qemu-img's message on failure", () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.raw', format: 'raw', size: 4194304, backing: node(m, 'src'), backingFormatOf: 'node' })).toBe("Backing file not supported for file format 'raw'");
  });
});
