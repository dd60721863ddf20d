import { describe, expect, it } from 'vitest';
import { mirrorMachine } from './mirror-fixture.ts';
import { createTargetImage } from './target-image.ts';
import { node } from './test-chain.ts';

describe('createTargetImage', () => {
  it('records the backing node image and format in the new header', () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.qcow2', format: 'qcow2', size: 4194304, backing: node(m, 'src') })).toBeUndefined();
    expect(m.images.get('n.qcow2')).toMatchObject({ size: 4194304, backingFile: 'src.qcow2', backingFormat: 'qcow2' });
  });

  it("returns qemu-img's message on failure", () => {
    const m = mirrorMachine();
    expect(createTargetImage(m, { filename: 'n.raw', format: 'raw', size: 4194304, backing: node(m, 'src') })).toBe("Backing file not supported for file format 'raw'");
  });
});
