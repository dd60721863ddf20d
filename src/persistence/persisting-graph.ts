/**
 * A block graph whose qcow2 nodes load their stored bitmaps when they join it and store them
 * when they leave it. A node leaves the graph exactly when QEMU closes it (blockdev-del, a job
 * dropping an intermediate, an aborted snapshot overlay), and closing a qcow2 node inactivates it
 * first (qcow2_close -> qcow2_inactivate -> qcow2_store_persistent_dirty_bitmaps).
 */
import { BlockGraph } from '../graph/graph.ts';
import type { BlockNode } from '../graph/node.ts';
import { loadDirtyBitmaps } from './load.ts';
import { storeDirtyBitmaps } from './store.ts';

export class PersistingGraph extends BlockGraph {
  /** What QEMU would print on stderr while storing (bitmaps lost at close). */
  readonly warnings: string[] = [];

  override addNode(node: BlockNode): void {
    super.addNode(node);
    loadDirtyBitmaps(node);
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
    const warning = storeDirtyBitmaps(node);
    if (warning !== undefined) this.warnings.push(warning);
  }
}
