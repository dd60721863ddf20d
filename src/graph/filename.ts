/**
 * bs->filename as block.c:bdrv_refresh_filename computes it (7.2). A node's file name is a plain
 * name (exact_filename) when opening that name would build the same subtree, else
 * `json:` + its full open options: the driver, its strong runtime options and its children's
 * options. A format node takes its protocol child's name unless a strong option was given or its
 * backing is overridden, i.e. bs->auto_backing_file differs from the backing node's file name
 * (bdrv_backing_overridden). So a blockdev-add'ed qcow2 whose explicit `backing` node was opened
 * as `/dir/base.qcow2` while the header says `base.qcow2` is `json:{"backing": ...}`, and one
 * whose chain came from the header is plain (probed on 7.2.22). Implicit job filters copy their
 * child's names; commit_top, mirror_top and copy-before-write name themselves after their child.
 */
import { Qcow2Driver } from './drivers/qcow2.ts';
import type { BlockNode } from './node.ts';
import { pathCombine, pathHasProtocol, pathIsAbsolute } from './paths.ts';
import { qobjectToJson, type QDict, type QObject } from './qdict-json.ts';

export interface NodeFilename {
  /** bs->filename: what query-named-block-nodes prints as `file`. */
  readonly filename: string;
  /** bs->exact_filename; undefined when empty. */
  readonly exact: string | undefined;
  /** bs->full_open_options. */
  readonly full: QDict;
}

/** bs->filename is a char[PATH_MAX]: a longer json: name ends in "..." (bdrv_refresh_filename). */
const PATH_MAX = 4096;

/** Options a driver counts as strong (block.c's global `filename`, then each strong_runtime_opts). */
const STRONG: Readonly<Record<string, readonly string[]>> = {
  file: ['filename'],
  raw: ['offset', 'size'],
  'null-co': ['size', 'read-zeroes', 'latency-ns'],
  throttle: ['throttle-group'],
  blkdebug: ['config', 'inject-error', 'set-state', 'align', 'max-transfer', 'opt-write-zero', 'max-write-zero', 'opt-discard', 'max-discard'],
};

/** The file name of `node` after bdrv_refresh_filename (children first, as QEMU refreshes them). */
export function nodeFilename(node: BlockNode): NodeFilename {
  const children = node.children().map(([role, child]) => [role, child, nodeFilename(child)] as const);
  // bs->implicit: a job's filter without filter-node-name shows its only child's names.
  if (node.implicit && node.options === undefined && children[0] !== undefined) return children[0][2];
  const overridden = backingOverridden(node, children.find(([role]) => role === 'backing')?.[2]);
  const strong = strongOptions(node);
  const full: [string, QObject][] = [['driver', node.driver.name], ...strong];
  for (const [role, , names] of children) if (role !== 'backing' || overridden) full.push([role, names.full]);
  if (overridden && node.child('backing') === undefined) full.push(['backing', null]);
  const exact = exactFilename(node, children, strong.length > 0 || overridden);
  if (exact !== undefined) return { filename: exact, exact, full };
  const json = `json:${qobjectToJson(full)}`;
  return { filename: json.length < PATH_MAX ? json : `${json.slice(0, PATH_MAX - 4)}...`, exact, full };
}

type Named = readonly (readonly [string, BlockNode, NodeFilename])[];

function exactFilename(node: BlockNode, children: Named, generateJson: boolean): string | undefined {
  const of = (role: string) => children.find(([r]) => r === role)?.[2];
  switch (node.driver.name) {
    case 'file':
      return stringOption(node, 'filename') ?? node.driver.filename(node);
    case 'null-co':
      // null_refresh_filename: latency-ns alone still leaves the plain protocol name.
      return strongOptions(node).every(([k]) => k === 'latency-ns') ? 'null-co://' : undefined;
    case 'commit_top':
    case 'mirror_top':
      return of('backing')?.filename;
    case 'copy-before-write':
      return of('file')?.filename;
    case 'blkdebug': {
      const image = of('image')?.exact;
      const others = strongOptions(node).some(([k]) => k !== 'config');
      return image === undefined || others ? undefined : `blkdebug:${stringOption(node, 'config') ?? ''}:${image}`;
    }
    case 'qcow2':
    case 'raw': {
      // The protocol child's plain name, if opening it as this format would build this tree.
      const file = children.find(([role]) => role === 'file');
      const protocol = file !== undefined && (file[1].driver.name === 'file' || file[1].driver.name === 'null-co');
      return protocol && !generateJson ? file[2].exact : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * bdrv_backing_overridden: only a node that supports backing (qcow2) has a header to differ from.
 * `backing` is the backing node's names when the caller has them already.
 */
export function backingOverridden(node: BlockNode, backing = backingNames(node)): boolean {
  if (!(node.driver instanceof Qcow2Driver)) return false;
  const auto = node.driver.autoBackingFile;
  return backing === undefined ? auto !== '' : auto !== backing.filename;
}

function backingNames(node: BlockNode): NodeFilename | undefined {
  const backing = node.child('backing');
  return backing === undefined ? undefined : nodeFilename(backing);
}

/** The strong options given at open, flattened as bs->options holds them (`inject-error.0.event`). */
function strongOptions(node: BlockNode): [string, QObject][] {
  const given = node.options ?? {};
  return (STRONG[node.driver.name] ?? []).flatMap((key) => (Object.hasOwn(given, key) ? flatten(key, given[key]) : []));
}

function flatten(key: string, value: unknown): [string, QObject][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => flatten(`${key}.${i}`, v));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => flatten(`${key}.${k}`, v));
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [[key, value]] : [];
}

function stringOption(node: BlockNode, key: string): string | undefined {
  const v = node.options?.[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * block.c:bdrv_dirname: the directory of the node's primary child's plain name (the file child of
 * a format node, the filtered child of a filter), or undefined when it has none.
 */
function nodeDirname(node: BlockNode): string | undefined {
  const primary = node.child('file') ?? node.filtered() ?? (node.driver.isFilter ? node.child('backing') : undefined);
  if (primary !== undefined) return nodeDirname(primary);
  const exact = nodeFilename(node).exact;
  return exact === undefined ? undefined : pathCombine(exact, '');
}

/** block.c:bdrv_make_absolute_filename: `filename` relative to the node's directory. */
export function makeAbsoluteFilename(node: BlockNode, filename: string): string | undefined {
  if (filename === '') return undefined;
  if (pathHasProtocol(filename) || pathIsAbsolute(filename)) return filename;
  const dir = nodeDirname(node);
  return dir === undefined ? undefined : dir + filename;
}
