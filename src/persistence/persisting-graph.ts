/**
 * A block graph whose qcow2 nodes load their stored bitmaps when they join it and store them
 * when they leave it. A node leaves the graph exactly when QEMU closes it (blockdev-del, a job
 * dropping an intermediate, an aborted snapshot overlay), and closing a qcow2 node inactivates it
 * first (qcow2_close -> qcow2_inactivate -> qcow2_store_persistent_dirty_bitmaps).
 *
 * Drive bitmaps (extension) follow the same pattern one level up: a guest device's backend loads
 * the entries stored for it when it joins (device_add, or a node opening while it exists) and
 * stores its persistent bitmaps when it leaves (device_del); a storage node stores them with its
 * own when it closes (drive.ts).
 */
import type { BackendOwner, BlockBackend } from '../graph/backend.ts';
import { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import { driveBitmapsToStore, loadDriveBitmaps, storeDeviceBitmaps } from './drive.ts';
import { loadDirtyBitmaps } from './load.ts';
import { nodeBitmapsToStore, storeDirtyBitmaps } from './store.ts';

export class PersistingGraph extends BlockGraph {
  /** What QEMU would print on stderr while storing (bitmaps lost at close). */
  readonly warnings: string[] = [];

  override addNode(node: BlockNode): void {
    super.addNode(node);
    loadDirtyBitmaps(node);
    // A copy: loading attaches reference backends.
    for (const backend of [...this.backends()]) loadDriveBitmaps(this, backend, [node]);
  }

  override attachBackend(owner: BackendOwner, root: BlockNode | undefined): BlockBackend {
    const backend = super.attachBackend(owner, root);
    loadDriveBitmaps(this, backend, this.nodes());
    return backend;
  }

  override detachBackend(backend: BlockBackend): void {
    if (backend.owner.kind === 'device') this.warnings.push(...storeDeviceBitmaps(this, backend));
    super.detachBackend(backend);
  }

  override removeNode(node: BlockNode): void {
    this.close(node);
    super.removeNode(node);
  }

  /**
   * Clean quit (bdrv_inactivate_all, then bdrv_close_all): every node stores. The graph is dropped
   * with the machine afterwards, so the nodes stay listed.
   */
  quit(): void {
    for (const node of this.nodes()) this.close(node);
  }

  private close(node: BlockNode): void {
    const warning = storeDirtyBitmaps(node, [...nodeBitmapsToStore(node), ...driveBitmapsToStore(this, node)]);
    if (warning !== undefined) this.warnings.push(warning);
  }
}
