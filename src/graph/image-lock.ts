/**
 * Image locking as block/file-posix.c does it within one QEMU process. Each `file` node with
 * locking on holds byte locks on its image file for the permissions its parents take (its
 * cumulative permissions) and for the ones they do not share. Another `file` node of the same
 * file is another descriptor, so the two conflict like two processes would
 * (raw_check_lock_bytes). One check per permission the new holder takes, in BLK_PERM_* bit order:
 * another holder unshares it gives `Failed to get "write" lock`. Then one per permission it
 * unshares: another holder takes it gives `Failed to get shared "write" lock`. QMP carries no hint;
 * the host tools print one (hostToolLockError). Locks are derived from the open graph, so a node
 * releases its locks by leaving the graph (closing).
 *
 * Permissions follow block.c:bdrv_default_perms for the roles the sim has: a format's file
 * child (storage) takes consistent read, plus write and resize when the format node is writable,
 * and never shares write or resize; a backing child (cow) takes at most consistent read and
 * unshares write and resize only if its parent does; a filter or raw forwards its parents'
 * permissions (a raw window with offset or size also unshares resize in QEMU: not modelled). A
 * guest device takes consistent read, and write unless read-only, and shares everything but
 * write (hw/block/block.c:blkconf_apply_backend_options, resizable).
 * Jobs' internal BlockBackends are not modelled here: they take nothing.
 * Probed on 7.2.22: a second read-write qcow2 over an open image fails with the "write" text, a
 * read-only one with the "shared" one, a bare file or raw node (no parent takes anything)
 * opens; locking=off, or force-share on a read-only node, takes part in no conflict.
 */
import { FileDriver } from './drivers/file.ts';
import type { BlockGraph } from './graph.ts';
import type { BlockNode } from './node.ts';

/** The BLK_PERM_* bits that lock, in bit order (include/block/block-common.h). */
const PERMISSIONS = ['consistent read', 'write', 'write unchanged', 'resize'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a parent takes on a child, or what a node holds: taken and not shared. */
export interface Perms {
  readonly perm: ReadonlySet<Permission>;
  readonly unshared: ReadonlySet<Permission>;
}

export const NO_PERMS: Perms = { perm: new Set(), unshared: new Set() };

/** raw_co_create: creating an image takes write and resize and shares all but resize. */
const CREATE_PERMS: Perms = { perm: new Set(['write', 'resize']), unshared: new Set(['resize']) };

/** A guest device's BlockBackend on its root node (blkconf_apply_backend_options). */
export function devicePerms(readOnly: boolean): Perms {
  return { perm: new Set(readOnly ? ['consistent read'] : ['consistent read', 'write']), unshared: new Set(['write']) };
}

/** bdrv_default_perms_for_storage on a format's file child, on top of the parents' own. */
export function storagePerms(formatNode: Perms, writable: boolean): Perms {
  const perm = new Set(formatNode.perm).add('consistent read');
  if (writable) perm.add('write').add('resize');
  return { perm, unshared: new Set(formatNode.unshared).add('write').add('resize') };
}

/** bdrv_default_perms_for_cow: a backing child is only read; written only if the parent shares write. */
function cowPerms(parent: Perms): Perms {
  return {
    perm: new Set(parent.perm.has('consistent read') ? ['consistent read'] : []),
    unshared: new Set(parent.unshared.has('write') ? ['write', 'resize'] : []),
  };
}

/** Both parents' permissions on one child. */
export function combine(a: Perms, b: Perms): Perms {
  return { perm: new Set([...a.perm, ...b.perm]), unshared: new Set([...a.unshared, ...b.unshared]) };
}

/**
 * Permissions not yet visible as graph edges: what a parent being opened (or a device being
 * attached) will take on a node. The opener claims a file child as soon as its format parent
 * knows it, as bdrv_open_child attaches (and locks) before the parent's backing is opened.
 */
export type Claims = ReadonlyMap<BlockNode, Perms>;

/** bdrv_get_cumulative_perm: everything the node's parents (and the claims on it) take. */
export function cumulativePerms(graph: BlockGraph, node: BlockNode, claims: Claims = new Map()): Perms {
  let perms = claims.get(node) ?? NO_PERMS;
  for (const p of graph.parents(node)) {
    if (p.kind === 'backend') {
      if (p.backend.owner.kind === 'device') perms = combine(perms, devicePerms(node.readOnly));
      continue;
    }
    const parent = cumulativePerms(graph, p.node, claims);
    const format = !p.node.driver.isFilter && p.node.driver.name !== 'raw';
    const taken = p.role === 'backing' ? cowPerms(parent) : format ? storagePerms(parent, !p.node.readOnly) : parent;
    perms = combine(perms, taken);
  }
  return perms;
}

/** The locks a file node holds: none with locking=off; force-share shares everything. */
function held(graph: BlockGraph, file: BlockNode, claims: Claims): Perms | undefined {
  const driver = file.driver;
  if (!(driver instanceof FileDriver) || !driver.lock.locking) return undefined;
  const perms = cumulativePerms(graph, file, claims);
  return driver.lock.forceShare ? { perm: perms.perm, unshared: new Set() } : perms;
}

/** raw_check_lock_bytes: `wanted` against what the other holders of `filename` lock. */
export function checkLockBytes(others: readonly Perms[], wanted: Perms): string | undefined {
  for (const p of PERMISSIONS) if (wanted.perm.has(p) && others.some((o) => o.unshared.has(p))) return `Failed to get "${p}" lock`;
  for (const p of PERMISSIONS) if (wanted.unshared.has(p) && others.some((o) => o.perm.has(p))) return `Failed to get shared "${p}" lock`;
  return undefined;
}

/** The locks every file node of `filename` (in the graph or claimed) but `except` holds. */
function holders(graph: BlockGraph, filename: string, claims: Claims, except?: BlockNode): Perms[] {
  const nodes = new Set([...graph.nodes(), ...claims.keys()]);
  const out: Perms[] = [];
  for (const n of nodes) {
    if (n === except || !(n.driver instanceof FileDriver) || n.driver.image.filename !== filename) continue;
    const h = held(graph, n, claims);
    if (h !== undefined) out.push(h);
  }
  return out;
}

/**
 * The lock error of the file nodes at or below `node` (through filters and formats) once the
 * claims are taken, else undefined. Only those nodes' permissions change with the claims.
 */
export function lockConflict(graph: BlockGraph, node: BlockNode, claims: Claims): string | undefined {
  const wanted = held(graph, node, claims);
  if (wanted !== undefined && node.driver instanceof FileDriver) {
    const conflict = checkLockBytes(holders(graph, node.driver.image.filename, claims, node), wanted);
    if (conflict !== undefined) return conflict;
  }
  for (const [, child] of node.children()) {
    const conflict = lockConflict(graph, child, claims);
    if (conflict !== undefined) return conflict;
  }
  return undefined;
}

/** Creating (overwriting) `filename` while nodes hold it (raw_co_create's lock check). */
export function createConflict(graph: BlockGraph, filename: string): string | undefined {
  return checkLockBytes(holders(graph, filename, new Map()), CREATE_PERMS);
}

/** A host tool (qemu-io, qemu-img) opening an image file as a process of its own. */
export interface ToolOpen {
  /** The image file's plain name in the directory, as its file nodes know it. */
  readonly filename: string;
  /** The path as the tool was given it: the hint names the image so. */
  readonly path: string;
  /** The tool's format driver (-f): raw forwards its BlockBackend's permissions, a format adds storage ones. */
  readonly format: string;
  readonly readOnly: boolean;
}

/**
 * What a tool gets opening an image this instance holds, or undefined. blk_new_open takes
 * consistent read, and write unless read-only, and shares everything; the format's file child
 * takes storage permissions on top (so a qcow2 tool unshares write even read-only). Checked
 * against the locks this instance's file nodes hold, as raw_check_lock_bytes does across
 * processes. Probed on 7.2.22: a qcow2 (read-write, or read-only with a device on top) or a raw
 * node under a device refuse a writing tool with the "write" text and, when they take write, a
 * read-only qcow2 tool with the "shared" one; a bare file or raw node takes nothing and refuses
 * nothing; a read-only raw tool shares everything and is never refused.
 */
export function hostToolLockError(graph: BlockGraph, open: ToolOpen): string | undefined {
  const backend: Perms = { perm: new Set(open.readOnly ? ['consistent read'] : ['consistent read', 'write']), unshared: new Set() };
  const wanted = open.format === 'raw' ? backend : storagePerms(backend, !open.readOnly);
  const conflict = checkLockBytes(holders(graph, open.filename, new Map()), wanted);
  // raw_check_lock_bytes' hint, which the tools print after the error (QMP drops it).
  return conflict === undefined ? undefined : `${conflict}\nIs another process using the image [${open.path}]?`;
}
