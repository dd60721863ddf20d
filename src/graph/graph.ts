/**
 * The block graph: nodes by node-name and the BlockBackends on top of them. Parent edges are
 * derived on demand from children and backends; the graph is small, so a scan is cheap and
 * keeps one source of truth.
 */
import { BlockBackend, type BackendOwner } from './backend.ts';
import type { BlockNode, ChildRole } from './node.ts';

export type Parent =
  | { readonly kind: 'node'; readonly node: BlockNode; readonly role: ChildRole }
  | { readonly kind: 'backend'; readonly backend: BlockBackend };

export class BlockGraph {
  private readonly byName = new Map<string, BlockNode>();
  private readonly backendList: BlockBackend[] = [];

  /** Nodes in creation order (query-named-block-nodes lists newest first; callers reverse). */
  nodes(): readonly BlockNode[] {
    return [...this.byName.values()];
  }

  node(nodeName: string): BlockNode | undefined {
    return this.byName.get(nodeName);
  }

  addNode(node: BlockNode): void {
    this.byName.set(node.nodeName, node);
  }

  removeNode(node: BlockNode): void {
    this.byName.delete(node.nodeName);
  }

  backends(): readonly BlockBackend[] {
    return this.backendList;
  }

  /** A guest device's backend by qdev id. */
  device(qdevId: string): BlockBackend | undefined {
    return this.backendList.find((b) => b.owner.kind === 'device' && b.owner.qdevId === qdevId);
  }

  attachBackend(owner: BackendOwner, root: BlockNode | undefined): BlockBackend {
    const backend = new BlockBackend(owner, root);
    this.backendList.push(backend);
    return backend;
  }

  detachBackend(backend: BlockBackend): void {
    const i = this.backendList.indexOf(backend);
    if (i >= 0) this.backendList.splice(i, 1);
  }

  parents(node: BlockNode): Parent[] {
    const out: Parent[] = [];
    for (const b of this.backendList) if (b.root === node) out.push({ kind: 'backend', backend: b });
    for (const p of this.byName.values()) {
      for (const [role, child] of p.children()) if (child === node) out.push({ kind: 'node', node: p, role });
    }
    return out;
  }

  /** Drop `node` and every implicit node below it that nothing else references any more. */
  removeSubtree(node: BlockNode): void {
    this.removeNode(node);
    for (const [, child] of node.children()) {
      if (!child.monitorOwned && this.parents(child).length === 0) this.removeSubtree(child);
    }
  }
}
