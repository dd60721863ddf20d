/**
 * Compiles the `graph:` and `devices:` of a case into the backend Setup, so the simulator and
 * QEMU build the same thing: one image per qcow2/raw node (qemu-img create, with -b for a
 * backing node: the size defaults to the backing's, as qemu-img create -b does), then
 * blockdev-add arguments children first, then the devices.
 */
import type { z } from 'zod';
import { parseSize, type Bytes } from '../../src/size.ts';
import type { ImageSpec, Semantics, Setup } from '../backends/backend.ts';
import type { Diagnostic } from '../source.ts';
import { parseIoLine, rangeProblem } from './qemu-io.ts';
import type { GraphNode } from './schema.ts';
import type { Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import { spanAtPath, type Locate } from './zod-issues.ts';

export type NodeSpec = z.output<typeof GraphNode>;

/** null-co's default size (block/null.c: 1 << 30). */
const NULL_CO_DEFAULT_SIZE = 2 ** 30;

export function toBytes(v: number | string): Bytes {
  if (typeof v === 'number') return v;
  const r = parseSize(v);
  return r.ok ? r.value : 0;
}

export interface CompiledGraph {
  readonly setup: Setup;
  /** Size of every node, including the implied file nodes; what io range checks use. */
  readonly sizes: ReadonlyMap<string, Bytes>;
}

/** The child a node reads from: backing/file for qcow2, file for filters, image for blkdebug. */
function children(n: NodeSpec): { key: 'backing' | 'file' | 'image'; name: string }[] {
  const out: { key: 'backing' | 'file' | 'image'; name: string }[] = [];
  if (n.backing !== undefined) out.push({ key: 'backing', name: n.backing });
  if (!isFormat(n) && n.file !== undefined) out.push({ key: 'file', name: n.file });
  if (n.image !== undefined) out.push({ key: 'image', name: n.image });
  return out;
}

/** YAML reads an unquoted 0.10 as the number 0.1; either spelling means qemu-img's "0.10". */
function compatOf(v: NonNullable<NodeSpec['compat']>): '0.10' | '1.1' {
  return v === 0.1 || v === '0.10' ? '0.10' : '1.1';
}

const isFormat = (n: NodeSpec) => n.driver === 'qcow2' || n.driver === 'raw';
const fileNodeName = (name: string, n: NodeSpec) => n.file ?? `${name}-file`;

export function compileGraph(
  graph: Readonly<Record<string, NodeSpec>>,
  devices: Readonly<Record<string, string>>,
  semantics: Semantics,
  locate: Locate,
  diags: Diagnostic[],
): CompiledGraph {
  const at = (path: Path, key = false) => spanAtPath(locate, path, key);
  const names = Object.keys(graph);
  const sizes = new Map<string, Bytes>();
  const images: ImageSpec[] = [];
  const blockdevs: Record<string, unknown>[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const fileNodes = new Map<string, string>();

  for (const [name, n] of Object.entries(graph)) {
    if (!isFormat(n)) continue;
    const fileName = fileNodeName(name, n);
    if (Object.hasOwn(graph, fileName) || fileNodes.has(fileName)) {
      const path = n.file === undefined ? ['graph', name] : ['graph', name, 'file'];
      diags.push({ code: 'duplicate-name', message: `node name '${fileName}' (the file node of '${name}') is already used`, span: at(path, n.file === undefined) });
    }
    fileNodes.set(fileName, name);
  }

  const build = (name: string): Bytes | undefined => {
    const n = graph[name];
    if (n === undefined) return undefined;
    if (done.has(name)) return sizes.get(name);
    if (visiting.has(name)) {
      diags.push({ code: 'invalid', message: `node '${name}' is its own ancestor`, span: at(['graph', name], true) });
      return undefined;
    }
    visiting.add(name);
    let childSize: Bytes | undefined;
    let missingChild = false;
    for (const c of children(n)) {
      if (!Object.hasOwn(graph, c.name)) {
        missingChild = true;
        diags.push({ code: 'unknown-node', message: `unknown node '${c.name}'${didYouMean(c.name, names)}`, span: at(['graph', name, c.key]) });
      } else {
        childSize ??= build(c.name);
      }
    }
    const size = n.size !== undefined ? toBytes(n.size) : n.driver === 'null-co' ? NULL_CO_DEFAULT_SIZE : childSize;
    if (size === undefined) {
      if (!missingChild) diags.push({ code: 'missing-key', message: `node '${name}' needs a size (or a backing node to take it from)`, span: at(['graph', name], true) });
    } else {
      sizes.set(name, size);
      emit(name, n, size);
    }
    visiting.delete(name);
    done.add(name);
    return size;
  };

  const emit = (name: string, n: NodeSpec, size: Bytes) => {
    // The implied file node is not given `discard`: inline under a format it defaults to unmap.
    const args: Record<string, unknown> = { driver: n.driver, 'node-name': name, ...(n.discard === undefined ? {} : { discard: n.discard }) };
    if (n.compat !== undefined && n.driver !== 'qcow2') {
      diags.push({ code: 'invalid', message: `compat is a qcow2 option; node '${name}' is ${n.driver}`, span: at(['graph', name, 'compat'], true) });
    }
    if (isFormat(n)) {
      const filename = `${name}.${n.driver === 'qcow2' ? 'qcow2' : 'img'}`;
      const backing = n.backing === undefined ? undefined : graph[n.backing];
      const image: ImageSpec = {
        filename,
        format: n.driver === 'qcow2' ? 'qcow2' : 'raw',
        size,
        data: n.data ?? [],
        ...(backing && isFormat(backing) && n.backing !== undefined
          ? { backing: { filename: `${n.backing}.${backing.driver === 'qcow2' ? 'qcow2' : 'img'}`, format: backing.driver === 'qcow2' ? 'qcow2' as const : 'raw' as const } }
          : {}),
        ...(n['cluster-size'] === undefined ? {} : { clusterSize: toBytes(n['cluster-size']) }),
        ...(n.compat === undefined ? {} : { compat: compatOf(n.compat) }),
      };
      images.push(image);
      const fileName = fileNodeName(name, n);
      sizes.set(fileName, size);
      args['file'] = { driver: 'file', filename, 'node-name': fileName };
      if (n.backing !== undefined) args['backing'] = n.backing;
      checkData(name, n, size);
    } else {
      for (const c of children(n)) args[c.key] = c.name;
      if (n.driver === 'null-co') Object.assign(args, { size, 'read-zeroes': true });
      if (n['throttle-group'] !== undefined) args['throttle-group'] = n['throttle-group'];
      if (n['inject-error'] !== undefined) args['inject-error'] = n['inject-error'];
    }
    blockdevs.push(args);
  };

  const checkData = (name: string, n: NodeSpec, size: Bytes) => {
    (n.data ?? []).forEach((line, i) => {
      const r = parseIoLine(line);
      const span = at(['graph', name, 'data', i]);
      if (!r.ok) diags.push({ code: 'bad-io-command', message: r.reason, span });
      else {
        const problem = rangeProblem(r.value, name, size);
        if (problem) diags.push({ code: 'io-out-of-range', message: problem, span });
      }
    });
  };

  for (const name of names) build(name);
  for (const [id, node] of Object.entries(devices)) {
    if (!sizes.has(node)) {
      diags.push({ code: 'unknown-node', message: `device '${id}': unknown node '${node}'${didYouMean(node, names)}`, span: at(['devices', id]) });
    }
  }
  const deviceList = Object.entries(devices).map(([id, drive]) => ({ id, drive }));
  return { setup: { images, blockdevs, devices: deviceList, semantics }, sizes };
}
