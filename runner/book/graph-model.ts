/**
 * The graph a book page draws: the declared graph (the Setup's blockdev-add arguments and
 * devices), plus nodes that appeared while the case ran, with every bitmap that ever lived on a
 * node during the case. Drive bitmaps (extension) are observed under `device:<qdev id>`
 * (runner/backends/sim-drives.ts) and drawn on their device's BlockBackend.
 */
import type { Setup } from '../backends/backend.ts';
import type { StepSnapshot } from '../execute/trace.ts';
import { driveKey } from '../scenario/trace.ts';
import type { BlockGraph, GraphEdge, GraphNode, NodeKind } from '../../reports/svg/graph.ts';

// Drivers whose BlockDriver sets is_filter in QEMU 7.2 (block/copy-on-read.c, throttle.c,
// blkdebug.c, preallocate.c, compress.c, mirror.c, commit.c, copy-before-write.c).
const FILTERS = new Set(['copy-on-read', 'throttle', 'blkdebug', 'preallocate', 'compress', 'mirror_top', 'commit_top', 'copy-before-write', 'blkverify']);
const FORMATS = new Set(['qcow2', 'raw', 'qed', 'vmdk', 'vpc', 'luks']);
const PROTOCOLS = new Set(['file', 'host_device', 'null-co', 'null-aio', 'nbd', 'nvme']);
const CHILD_ROLES = ['file', 'backing', 'image'] as const;

export function kindOf(driver: string): NodeKind {
  if (FILTERS.has(driver)) return 'filter';
  if (FORMATS.has(driver)) return 'format';
  return PROTOCOLS.has(driver) ? 'protocol' : 'other';
}

export function blockGraph(setup: Setup, snapshots: readonly StepSnapshot[]): BlockGraph {
  const nodes = new Map<string, { driver: string; added: boolean }>();
  const edges: GraphEdge[] = [];
  const declare = (args: Readonly<Record<string, unknown>>, added: boolean): string | undefined => {
    const name = args['node-name'];
    if (typeof name !== 'string') return undefined;
    nodes.set(name, { driver: String(args['driver'] ?? '?'), added });
    for (const role of CHILD_ROLES) {
      const child = args[role];
      // A child is a node-name, or (a format's file) the inline options of its protocol node.
      const childName = typeof child === 'string' ? child : typeof child === 'object' && child !== null ? declare(child as Record<string, unknown>, added) : undefined;
      if (childName !== undefined) edges.push({ parent: name, child: childName, role });
    }
    return name;
  };
  for (const b of setup.blockdevs) declare(b, false);
  const devices = setup.devices.map((d) => ({ id: d.id, roots: [d.drive] }));
  // Nodes and devices a step made (blockdev-add, device_add) and media a step inserted: the
  // observation lists node names only, the step's arguments say how they are linked.
  for (const step of succeededCommands(snapshots)) {
    const { command, args } = step;
    if (command === 'blockdev-add') declare(args, true);
    const id = args['id'];
    const root = command === 'device_add' ? args['drive'] : command === 'blockdev-insert-medium' ? args['node-name'] : undefined;
    if (typeof id !== 'string' || typeof root !== 'string') continue;
    let device = devices.find((d) => d.id === id);
    if (device === undefined) devices.push((device = { id, roots: [] }));
    if (!device.roots.includes(root)) device.roots.push(root);
  }
  const deviceKeys = new Set(devices.map((d) => driveKey(d.id)));
  for (const s of snapshots) {
    for (const n of s.nodes) if (!nodes.has(n.nodeName) && !deviceKeys.has(n.nodeName)) nodes.set(n.nodeName, { driver: n.driver, added: true });
  }
  const bitmaps = bitmapsByNode(snapshots);
  const graphNodes: GraphNode[] = [...nodes].map(([name, n]) => ({
    name, driver: n.driver, kind: kindOf(n.driver), bitmaps: bitmaps.get(name) ?? [], ...(n.added ? { added: true } : {}),
  }));
  return {
    devices: devices.map((d) => ({ id: d.id, bitmaps: bitmaps.get(driveKey(d.id)) ?? [] })),
    nodes: graphNodes,
    edges: [...devices.flatMap((d) => d.roots.map((child) => ({ parent: d.id, child, role: 'root' }))), ...edges],
  };
}

/** The QMP steps that ran and were not expected to fail, in order (a traced step ran to its end). */
function succeededCommands(snapshots: readonly StepSnapshot[]): { command: string; args: Readonly<Record<string, unknown>> }[] {
  return snapshots.flatMap(({ step }) => (step.kind === 'qmp' && step.expectError === undefined ? [{ command: step.command, args: step.args }] : []));
}

/** Bitmap names per node, in the order they first appeared. */
function bitmapsByNode(snapshots: readonly StepSnapshot[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of snapshots) {
    for (const b of s.bitmaps) {
      const list = out.get(b.node) ?? [];
      const name = b.key.slice(b.node.length + 1);
      if (!list.includes(name)) list.push(name);
      out.set(b.node, list);
    }
  }
  return out;
}
