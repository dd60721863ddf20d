/**
 * Follows a case's steps in order, as QEMU would see them, to catch references that cannot
 * work before anything runs: nodes declared in the graph or blockdev-add'ed by an earlier step,
 * devices declared or device_add'ed, bitmaps added by an earlier step, jobs started by an
 * earlier step, and I/O past the end of its node. A step that carries `expect-error` is meant to
 * fail, so its references are not checked and it changes nothing. Builds the typed steps.
 */
import type { Bytes } from '../../src/size.ts';
import type { Diagnostic, DiagnosticCode, SourceSpan } from '../source.ts';
import { toBytes } from './graph.ts';
import { parseIoLine, rangeProblem, splitTarget } from './qemu-io.ts';
import { sizeArguments } from './qmp-schema.ts';
import type { Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import { buildExpect } from './expect-step.ts';
import { buildRun, checkJobRef } from './run-step.ts';
import type { ExpectedError, Step } from './types.ts';
import { spanAtPath, type Locate } from './zod-issues.ts';

/** What is known to exist at a point of the case. */
export interface TraceState {
  readonly nodes: Map<string, Bytes | undefined>;
  readonly devices: Map<string, string>;
  /** Every node that ever existed, and every `node/name` bitmap ever added. */
  readonly everNodes: Set<string>;
  readonly bitmaps: Set<string>;
  readonly jobs: Set<string>;
  /** The node-name whose image file this is (`base.qcow2` -> `base`), for qemu-img steps. */
  readonly imageNodes?: ReadonlyMap<string, string>;
  /** Nodes and devices of the setup, which restart and crash build again. */
  readonly initial?: { readonly nodes: ReadonlyMap<string, Bytes | undefined>; readonly devices: ReadonlyMap<string, string> };
}

export interface Tracer {
  readonly state: TraceState;
  span(path: Path, key?: boolean): SourceSpan;
  report(code: DiagnosticCode, message: string, path: Path, key?: boolean): void;
  /** Reports unless `name` is a current node; returns whether it is. */
  node(name: unknown, path: Path): boolean;
  /** Checks a qemu-io line on a device or node; returns the target and line. */
  io(text: string, path: Path, checkTarget: boolean): { target: string; line: string };
}

export function makeTracer(state: TraceState, locate: Locate, diags: Diagnostic[]): Tracer {
  const span = (path: Path, key = false) => spanAtPath(locate, path, key);
  const report = (code: DiagnosticCode, message: string, path: Path, key = false) => {
    diags.push({ code, message, span: span(path, key) });
  };
  const node = (name: unknown, path: Path) => {
    if (typeof name !== 'string' || state.nodes.has(name)) return true;
    report('unknown-node', `unknown node '${name}'${didYouMean(name, state.nodes.keys())}`, path);
    return false;
  };
  const io = (text: string, path: Path, checkTarget: boolean) => {
    const { target, line } = splitTarget(text);
    const parsed = parseIoLine(line);
    if (!parsed.ok) report('bad-io-command', parsed.reason, path);
    if (!checkTarget) return { target, line };
    const root = state.devices.get(target) ?? target;
    if (!state.devices.has(target) && !state.nodes.has(target)) {
      const hint = didYouMean(target, [...state.devices.keys(), ...state.nodes.keys()]);
      report('unknown-device', `unknown device or node '${target}'${hint}`, path);
    } else if (parsed.ok) {
      const size = state.nodes.get(root);
      const problem = size === undefined ? undefined : rangeProblem(parsed.value, target, size);
      if (problem) report('io-out-of-range', problem, path);
    }
    return { target, line };
  };
  return { state, span, report, node, io };
}

export function traceSteps(steps: readonly { value: unknown; index: number }[], t: Tracer): Step[] {
  return steps.map(({ value, index }) => traceStep(value, ['steps', index], t));
}

function traceStep(value: unknown, at: Path, t: Tracer): Step {
  const span = t.span(at);
  if (value === 'restart' || value === 'crash') {
    reopenSetup(t.state);
    return { kind: value, span };
  }
  const step = value as Record<string, unknown>;
  const key = Object.keys(step).find((k) => k !== 'when' && k !== 'expect-error') ?? '';
  const expectError = expectedError(step['expect-error'], [...at, 'expect-error'], t);
  const err = expectError ? { expectError } : {};
  if (key === 'expect') return buildExpect(step['expect'], [...at, 'expect'], span, t);
  if (key === 'run') return buildRun(step['run'], [...at, 'run'], span, t, expectError);
  if (key === 'qemu-img') {
    const args = String(step['qemu-img']).trim().split(/\s+/);
    if (!expectError) qemuImgEffects(args, t.state);
    return { kind: 'qemu-img', args, span, ...err };
  }
  if (key === 'qemu-io') {
    const { target, line } = t.io(String(step['qemu-io']), [...at, 'qemu-io'], false);
    return { kind: 'qemu-io', file: target, line, span, ...err };
  }
  if (key === 'io') {
    const { target, line } = t.io(String(step['io']), [...at, 'io'], !expectError);
    return { kind: 'io', target, line, span, ...err };
  }
  const args = withSizes(step[key] ?? {}) as Record<string, unknown>;
  if (!expectError) qmpEffects(key, args, [...at, key], t);
  return { kind: 'qmp', command: key, args, span, ...err };
}

/** After restart or crash the setup's graph and devices exist again, and only those. */
function reopenSetup(state: TraceState): void {
  if (state.initial === undefined) return;
  state.nodes.clear();
  for (const [k, v] of state.initial.nodes) state.nodes.set(k, v);
  state.devices.clear();
  for (const [k, v] of state.initial.devices) state.devices.set(k, v);
}

/** `bitmap --add FILE NAME` makes NAME a bitmap of FILE's node once the node opens. */
function qemuImgEffects(args: readonly string[], state: TraceState): void {
  if (args[0] !== 'bitmap' || !args.includes('--add')) return;
  const words = args.slice(1).filter((w, i, all) => !w.startsWith('-') && !['-g', '-b', '-f', '-F', '--merge'].includes(all[i - 1] ?? ''));
  const [file, name] = words;
  const node = file === undefined ? undefined : state.imageNodes?.get(file);
  if (node !== undefined && name !== undefined) state.bitmaps.add(`${node}/${name}`);
}

function expectedError(v: unknown, at: Path, t: Tracer): ExpectedError | undefined {
  if (v === undefined || v === null || typeof v !== 'object') return undefined;
  const e = v as { class?: string; desc?: string; match?: string };
  const cls = e.class === undefined ? {} : { class: { value: e.class, span: t.span([...at, 'class']) } };
  const span = t.span(at);
  if ((e.desc === undefined) === (e.match === undefined)) {
    t.report(e.desc === undefined ? 'missing-key' : 'invalid', 'expect-error needs exactly one of desc or match', at);
    return { kind: 'match', ...cls, match: { value: /.*/, span }, span };
  }
  if (e.desc !== undefined) return { kind: 'desc', ...cls, desc: { value: e.desc, span: t.span([...at, 'desc']) }, span };
  try {
    return { kind: 'match', ...cls, match: { value: new RegExp(e.match ?? ''), span: t.span([...at, 'match']) }, span };
  } catch (x) {
    t.report('invalid', `bad regular expression: ${(x as Error).message}`, [...at, 'match']);
    return { kind: 'match', ...cls, match: { value: /.*/, span }, span };
  }
}

/** QAPI size arguments (granularity, size, raw's offset) written as "64K" become numbers of bytes. */
function withSizes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withSizes);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, sizeArguments.has(k) && typeof x === 'string' ? toBytes(x) : withSizes(x)]),
  );
}

/** A drive bitmap's owner in bitmap keys and observations (extension): `device:vda/d0`. */
export function driveKey(qdevId: string): string {
  return `device:${qdevId}`;
}

function describeOwner(holder: string): string {
  return holder.startsWith('device:') ? `device '${holder.slice('device:'.length)}'` : `node '${holder}'`;
}

const BITMAP_COMMANDS = /^block-dirty-bitmap-(add|remove|clear|enable|disable|merge)$|^x-debug-block-dirty-bitmap-sha256$/;

/** Checks what a successful command refers to and records what it creates or removes. */
function qmpEffects(command: string, args: Record<string, unknown>, at: Path, t: Tracer): void {
  const { state } = t;
  /** `node` or, for drive bitmaps (extension), `device:<qdev id>`: the owner part of a bitmap key. */
  const owner = (ref: Record<string, unknown>, path: Path): string | undefined => {
    const device = ref['device'];
    if (typeof device !== 'string') return t.node(ref['node'], [...path, 'node']) && typeof ref['node'] === 'string' ? ref['node'] : undefined;
    if (state.devices.has(device)) return driveKey(device);
    t.report('unknown-device', `unknown device '${device}'${didYouMean(device, state.devices.keys())}`, [...path, 'device']);
    return undefined;
  };
  const bitmap = (holder: string | undefined, name: unknown, path: Path) => {
    if (holder === undefined || typeof name !== 'string') return;
    if (!state.bitmaps.has(`${holder}/${name}`)) {
      const known = [...state.bitmaps].filter((b) => b.startsWith(`${holder}/`)).map((b) => b.slice(holder.length + 1));
      t.report('unknown-bitmap', `no bitmap '${name}' was added on ${describeOwner(holder)}${didYouMean(name, known)}`, path);
    }
  };
  if (BITMAP_COMMANDS.test(command)) {
    const holder = owner(args, at);
    if (command === 'block-dirty-bitmap-add') {
      if (holder !== undefined) state.bitmaps.add(`${holder}/${String(args['name'])}`);
      if (typeof args['storage-node'] === 'string') t.node(args['storage-node'], [...at, 'storage-node']);
    } else if (command === 'block-dirty-bitmap-merge') {
      bitmap(holder, args['target'], [...at, 'target']);
      const sources = Array.isArray(args['bitmaps']) ? args['bitmaps'] : [];
      sources.forEach((s: unknown, i) => {
        const p = [...at, 'bitmaps', i];
        if (typeof s === 'string') bitmap(holder, s, p);
        else if (isRecord(s)) bitmap(owner(s, p), s['name'], [...p, 'name']);
      });
    } else {
      bitmap(holder, args['name'], [...at, 'name']);
    }
    return;
  }
  switch (command) {
    case 'transaction': {
      const actions = Array.isArray(args['actions']) ? args['actions'] : [];
      actions.forEach((a: unknown, i) => {
        const { type, data } = (a ?? {}) as { type?: unknown; data?: unknown };
        if (typeof type === 'string' && data && typeof data === 'object') {
          qmpEffects(type, data as Record<string, unknown>, [...at, 'actions', i, 'data'], t);
        }
      });
      return;
    }
    case 'blockdev-add':
      blockdevAddEffects(args, at, t);
      return;
    case 'blockdev-snapshot':
      t.node(args['node'], [...at, 'node']);
      t.node(args['overlay'], [...at, 'overlay']);
      return;
    case 'blockdev-snapshot-sync': {
      const old = args['node-name'];
      const overlay = args['snapshot-node-name'];
      if (!t.node(old, [...at, 'node-name']) || typeof overlay !== 'string') return;
      if (state.nodes.has(overlay)) t.report('duplicate-name', `node name '${overlay}' is already in use`, [...at, 'snapshot-node-name']);
      state.nodes.set(overlay, typeof old === 'string' ? state.nodes.get(old) : undefined);
      state.everNodes.add(overlay);
      return;
    }
    case 'blockdev-del':
      if (t.node(args['node-name'], [...at, 'node-name'])) state.nodes.delete(String(args['node-name']));
      return;
    case 'device_add': {
      const id = String(args['id']);
      if (state.devices.has(id)) t.report('duplicate-name', `device id '${id}' is already in use`, [...at, 'id']);
      if (typeof args['drive'] === 'string' && t.node(args['drive'], [...at, 'drive'])) state.devices.set(id, args['drive']);
      return;
    }
    case 'device_del': {
      const id = String(args['id']);
      if (!state.devices.delete(id)) t.report('unknown-device', `unknown device '${id}'${didYouMean(id, state.devices.keys())}`, [...at, 'id']);
      return;
    }
    case 'block_resize':
      if (args['node-name'] !== undefined && t.node(args['node-name'], [...at, 'node-name'])) {
        state.nodes.set(String(args['node-name']), Number(args['size']));
      }
      return;
  }
  jobEffects(command, args, at, t);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A blockdev-add tree, children first as QEMU opens them: references must name existing nodes,
 * and every `node-name`, the root's and those of inline children (`file: {node-name: x, ...}`),
 * becomes a node later steps may use.
 */
function blockdevAddEffects(def: Record<string, unknown>, at: Path, t: Tracer): Bytes | undefined {
  const { state } = t;
  let childSize: Bytes | undefined;
  for (const role of ['file', 'backing', 'image'] as const) {
    const child = def[role];
    if (typeof child === 'string') {
      if (t.node(child, [...at, role]) && role !== 'backing') childSize ??= state.nodes.get(child);
    } else if (isRecord(child)) {
      const size = blockdevAddEffects(child, [...at, role], t);
      if (role !== 'backing') childSize ??= size;
    }
  }
  // raw's `offset` without `size` leaves the rest of the file (block/raw-format.c:raw_getlength).
  const offset = def['driver'] === 'raw' && typeof def['offset'] === 'number' ? def['offset'] : 0;
  const size = typeof def['size'] === 'number' ? def['size'] : childSize === undefined ? undefined : Math.max(0, childSize - offset);
  const name = def['node-name'];
  if (typeof name !== 'string') return size;
  if (state.nodes.has(name)) t.report('duplicate-name', `node name '${name}' is already in use`, [...at, 'node-name']);
  state.nodes.set(name, size);
  state.everNodes.add(name);
  loadedBitmaps(def, name, state);
  return size;
}

/** A qcow2 node opening a graph node's image file loads the bitmaps stored there. */
function loadedBitmaps(def: Record<string, unknown>, name: string, state: TraceState): void {
  const file = def['file'];
  const owner = isRecord(file) && typeof file['filename'] === 'string' ? state.imageNodes?.get(file['filename']) : undefined;
  if (owner === undefined || owner === name) return;
  for (const key of [...state.bitmaps]) if (key.startsWith(`${owner}/`)) state.bitmaps.add(`${name}/${key.slice(owner.length + 1)}`);
}

/**
 * Job ids: created by any command with `job-id`, referred to by job-* (id) and block-job-*
 * (device, but `id` for block-job-finalize and block-job-dismiss, as qapi/block-core.json names them).
 */
function jobEffects(command: string, args: Record<string, unknown>, at: Path, t: Tracer): void {
  const byId = command.startsWith('job-') || command === 'block-job-finalize' || command === 'block-job-dismiss';
  const refKey = byId ? 'id' : command.startsWith('block-job-') ? 'device' : undefined;
  const ref = refKey === undefined ? undefined : args[refKey];
  if (refKey !== undefined && typeof ref === 'string') checkJobRef(ref, [...at, refKey], t);
  if (typeof args['job-id'] === 'string') t.state.jobs.add(args['job-id']);
  if (command === 'block-commit') commitGrowsBase(args, t.state);
  jobNodes(command, args, t.state);
}

/**
 * Nodes a job opens under a name the step chose, so later steps and expectations may name them:
 * the filter every job inserts (`filter-node-name`: stream's copy-on-read, commit_top, mirror_top,
 * copy-before-write) above the node it works on, and the target drive-mirror opens (`node-name`,
 * blockdev.c:qmp_drive_mirror). Both take that node's size. When the job ends is not known here, so
 * a filter stays nameable; a step that uses it too late fails when it runs, as it would in QEMU.
 */
function jobNodes(command: string, args: Record<string, unknown>, state: TraceState): void {
  if (!JOB_COMMANDS.has(command)) return;
  const above = args['top-node'] ?? args['device'];
  const under = typeof above === 'string' ? (state.devices.get(above) ?? above) : undefined;
  const size = under === undefined ? undefined : state.nodes.get(under);
  const named = [args['filter-node-name'], command === 'drive-mirror' ? args['node-name'] : undefined];
  for (const name of named) {
    if (typeof name !== 'string') continue;
    state.nodes.set(name, size);
    state.everNodes.add(name);
  }
}

const JOB_COMMANDS = new Set(['block-stream', 'block-commit', 'blockdev-mirror', 'drive-mirror', 'blockdev-backup', 'drive-backup']);

/** commit_run truncates a base shorter than top up to top's length first (reference 4.3). */
function commitGrowsBase(args: Record<string, unknown>, state: TraceState): void {
  const base = args['base-node'];
  const top = args['top-node'] ?? args['device'];
  if (typeof base !== 'string' || typeof top !== 'string') return;
  const [baseSize, topSize] = [state.nodes.get(base), state.nodes.get(top)];
  if (baseSize !== undefined && topSize !== undefined && topSize > baseSize) state.nodes.set(base, topSize);
}
