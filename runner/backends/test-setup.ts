/**
 * Test fixture: the Setup the loader compiles for a two-layer qcow2 chain base <- top with a guest
 * device vda on top, as both backends' tests build it. Used by tests only.
 */
import { size } from '../../src/size.ts';
import type { Setup } from './backend.ts';

export function chainSetup(imageSize: string, baseData: readonly string[]): Setup {
  const bytes = size(imageSize);
  return {
    semantics: 'qemu-7.2',
    images: [
      { filename: 'base.qcow2', format: 'qcow2', size: bytes, data: baseData },
      { filename: 'top.qcow2', format: 'qcow2', size: bytes, backing: { filename: 'base.qcow2', format: 'qcow2' }, data: [] },
    ],
    blockdevs: [
      { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2', 'node-name': 'base-file' } },
      { driver: 'qcow2', 'node-name': 'top', backing: 'base', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' } },
    ],
    devices: [{ id: 'vda', drive: 'top' }],
  };
}
