/**
 * `use:` fragments. A fragment (a file whose name starts with `_`) gives graph nodes, devices
 * and leading steps; a scenario's own entries come over them (same name: the scenario wins) and
 * its steps after them. Fragments may use fragments; a cycle or a missing file is a diagnostic.
 * Every merged entry remembers where it is written, so diagnostics and spans find its text.
 */
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostic } from '../source.ts';
import { FragmentFile } from './schema.ts';
import { parseSourceFile, spanOfPath, type Path, type SourceFile } from './source-file.ts';
import type { ReadFile } from './types.ts';
import { yamlDiagnostics } from './yaml-errors.ts';
import { issueDiagnostics, type Locate } from './zod-issues.ts';

export interface Origin {
  readonly src: SourceFile;
  readonly path: Path;
}

export interface Entry {
  readonly value: unknown;
  readonly origin: Origin;
}

/** A scenario with its fragments merged in, still raw (before interpolation). */
export interface Merged {
  readonly main: SourceFile;
  readonly top: Readonly<Record<string, unknown>>;
  readonly graph: ReadonlyMap<string, Entry>;
  readonly devices: ReadonlyMap<string, Entry>;
  readonly steps: readonly Entry[];
}

export function isFragmentPath(path: string): boolean {
  return basename(path).startsWith('_');
}

export function merge(main: SourceFile, top: Record<string, unknown>, readFile: ReadFile, diags: Diagnostic[]): Merged {
  const graph = new Map<string, Entry>();
  const devices = new Map<string, Entry>();
  const steps: Entry[] = [];
  const visit = (src: SourceFile, js: Record<string, unknown>, chain: readonly string[]) => {
    const use = js['use'];
    if (typeof use === 'string') {
      const target = resolve(dirname(src.file), use);
      const fragment = loadFragment(src, use, target, chain, readFile, diags);
      if (fragment) visit(fragment.src, fragment.js, [...chain, target]);
    }
    collect(src, js, 'graph', graph);
    collect(src, js, 'devices', devices);
    const own = js['steps'];
    if (Array.isArray(own)) own.forEach((value, i) => steps.push({ value, origin: { src, path: ['steps', i] } }));
  };
  visit(main, top, [resolve(main.file)]);
  return { main, top, graph, devices, steps };
}

function collect(src: SourceFile, js: Record<string, unknown>, key: 'graph' | 'devices', into: Map<string, Entry>) {
  const section = js[key];
  if (section === null || typeof section !== 'object' || Array.isArray(section)) return;
  for (const [name, value] of Object.entries(section)) {
    into.delete(name); // re-insert so the overriding entry keeps the scenario's order
    into.set(name, { value, origin: { src, path: [key, name] } });
  }
}

function loadFragment(
  from: SourceFile,
  use: string,
  target: string,
  chain: readonly string[],
  readFile: ReadFile,
  diags: Diagnostic[],
): { src: SourceFile; js: Record<string, unknown> } | undefined {
  const span = spanOfPath(from, ['use']);
  if (chain.includes(target)) {
    const cycle = [...chain.slice(chain.indexOf(target)), target].map((f) => basename(f)).join(' -> ');
    diags.push({ code: 'bad-include', message: `fragment cycle: ${cycle}`, span });
    return undefined;
  }
  if (!isFragmentPath(target)) {
    diags.push({ code: 'bad-include', message: `'${use}' is not a fragment (a fragment's file name starts with _)`, span });
    return undefined;
  }
  const text = readFile(target);
  if (text === undefined) {
    diags.push({ code: 'bad-include', message: `fragment '${use}' not found`, span });
    return undefined;
  }
  const src = parseSourceFile(relativeLike(from.file, use), text);
  const yamlErrors = yamlDiagnostics(src);
  if (yamlErrors.length > 0) {
    diags.push(...yamlErrors);
    return undefined;
  }
  const js: unknown = src.doc.toJS();
  const checked = FragmentFile.safeParse(js ?? {});
  if (!checked.success) {
    const locate: Locate = (path) => ({ src, path });
    diags.push(...issueDiagnostics(checked.error.issues, FragmentFile, js, locate));
    return undefined;
  }
  return { src, js: checked.data };
}

/** The fragment's name as the user would see it: beside the using file, as written. */
function relativeLike(fromFile: string, use: string): string {
  const dir = dirname(fromFile);
  return dir === '.' ? use : `${dir}/${use}`.replace(/\/\.\//g, '/');
}

/** Locates a path of the merged case value in the file that wrote it. */
export function locator(m: Merged): Locate {
  return (path) => {
    const [section, key, ...rest] = path;
    if (section === 'steps' && typeof key === 'number') {
      const e = m.steps[key];
      if (e) return { src: e.origin.src, path: [...e.origin.path, ...rest] };
    }
    if ((section === 'graph' || section === 'devices') && typeof key === 'string') {
      const e = (section === 'graph' ? m.graph : m.devices).get(key);
      if (e) return { src: e.origin.src, path: [...e.origin.path, ...rest] };
    }
    return { src: m.main, path };
  };
}
