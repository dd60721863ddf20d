/**
 * BlockBackends: the parents that are not nodes. A guest device owns one (addressed by its qdev
 * id, as QMP's `device_add` creates it); jobs create anonymous internal ones. A device's backend
 * may have no root node at all (a removable drive without medium).
 */
import type { BlockNode } from './node.ts';

export type BackendOwner =
  | { readonly kind: 'device'; readonly qdevId: string; readonly driver: 'virtio-blk-pci' }
  | { readonly kind: 'internal'; readonly user: string };

export class BlockBackend {
  constructor(
    readonly owner: BackendOwner,
    public root: BlockNode | undefined,
  ) {}
}
