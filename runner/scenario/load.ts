/**
 * Loads a scenario file into fully resolved cases, or into diagnostics: never throws for bad
 * input, reports all of a file's errors at once (deduplicated across matrix cases).
 *
 *   text -> YAML document with ranges -> fragments merged -> per matrix case: interpolate,
 *   validate (zod, then per step), compile the graph, trace references and build the steps.
 */
import { readFileSync } from 'node:fs';
import type { Semantics } from '../backends/backend.ts';
import { spanKey, type Diagnostic } from '../source.ts';
import { applies, axesLabel, stepWhen, checkWhen, combinations, interpolate, type Axes, type AxisValue, type Matrix } from './expand.ts';
import { locator, merge, type Merged } from './fragments.ts';
import { readDivergence } from './divergence.ts';
import { compileGraph, type NodeSpec } from './graph.ts';
import { ScenarioFile, ScenarioShape } from './schema.ts';
import { parseSourceFile, spanOfPath, type Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import { makeTracer, traceSteps } from './trace.ts';
import type { LoadResult, ReadFile, ScenarioCase } from './types.ts';
import { validateStep } from './validate-step.ts';
import { yamlDiagnostics } from './yaml-errors.ts';
import { issueDiagnostics, spanAtPath, type Locate } from './zod-issues.ts';

export { isFragmentPath } from './fragments.ts';

/** A file's text, or undefined when it cannot be read (the caller says what that means). */
export const readFileOrUndefined: ReadFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export function loadScenarioFile(path: string): LoadResult {
  const text = readFileOrUndefined(path);
  if (text === undefined) {
    const span = { file: path, start: 0, end: 0, line: 1, col: 1, sourceLine: '' };
    return { file: path, cases: [], diagnostics: [{ code: 'read-failed', message: `cannot read ${path}`, span }] };
  }
  return loadScenarioText(path, text);
}

export function loadScenarioText(file: string, text: string, readFile: ReadFile = readFileOrUndefined): LoadResult {
  const src = parseSourceFile(file, text);
  const diags = yamlDiagnostics(src);
  if (diags.length > 0) return { file, cases: [], diagnostics: diags };
  const js: unknown = src.doc.toJS();
  if (js === null || typeof js !== 'object' || Array.isArray(js)) {
    const d: Diagnostic = { code: 'wrong-type', message: 'a scenario file is a mapping (scenario:, about:, steps:, ...)', span: spanOfPath(src, []) };
    return { file, cases: [], diagnostics: [d] };
  }
  const top = js as Record<string, unknown>;
  const merged = merge(src, top, readFile, diags);
  const locate = locator(merged);
  const matrix = readMatrix(top, locate, diags);
  merged.steps.forEach((s, i) => {
    const { when, path } = stepWhen(s.value);
    diags.push(...checkWhen(when, matrix, ['steps', i, ...path], locate));
  });
  const cases = combinations(matrix).flatMap((axes) => expandCase(merged, axes, locate, diags));
  const diagnostics = dedupe(diags);
  return { file, cases: diagnostics.length > 0 ? [] : cases, diagnostics };
}

function readMatrix(top: Record<string, unknown>, locate: Locate, diags: Diagnostic[]): Matrix {
  const part = Object.fromEntries(['matrix', 'exclude', 'semantics'].filter((k) => k in top).map((k) => [k, top[k]]));
  const schema = ScenarioFile.pick({ matrix: true, exclude: true, semantics: true });
  const r = schema.safeParse(part);
  if (!r.success) {
    diags.push(...issueDiagnostics(r.error.issues, schema, part, locate));
    return { axes: new Map(), exclude: [] };
  }
  const axes = new Map<string, readonly AxisValue[]>(Object.entries(r.data.matrix ?? {}));
  for (const [axis, values] of axes) {
    if (values.length === 0) diags.push({ code: 'bad-matrix', message: `matrix axis '${axis}' has no values`, span: at(locate, ['matrix', axis]) });
  }
  if (Array.isArray(r.data.semantics)) {
    if (axes.has('semantics')) diags.push({ code: 'bad-matrix', message: "'semantics' is a list already; it cannot also be a matrix axis", span: at(locate, ['matrix', 'semantics'], true) });
    axes.set('semantics', r.data.semantics);
  }
  const exclude = r.data.exclude ?? [];
  exclude.forEach((ex, i) => {
    for (const [axis, v] of Object.entries(ex)) {
      const values = axes.get(axis);
      if (!values) diags.push({ code: 'bad-matrix', message: `exclude: '${axis}' is not a matrix axis${didYouMean(axis, axes.keys())}`, span: at(locate, ['exclude', i, axis], true) });
      else if (!values.some((x) => String(x) === String(v))) diags.push({ code: 'bad-matrix', message: `exclude: '${String(v)}' is not a value of axis '${axis}'`, span: at(locate, ['exclude', i, axis]) });
    }
  });
  return { axes, exclude };
}

const at = spanAtPath;

function expandCase(m: Merged, axes: Axes, locate: Locate, diags: Diagnostic[]): ScenarioCase[] {
  const before = diags.length;
  const report = (path: Path, axis: string) => {
    const known = Object.keys(axes);
    const message = `'\${${axis}}' names no matrix axis${known.length > 0 ? didYouMean(axis, known) : ' (this scenario has no matrix)'}`;
    diags.push({ code: 'bad-matrix', message, span: at(locate, path) });
  };
  const { matrix: _m, exclude: _e, ...rest } = m.top;
  const raw: Record<string, unknown> = { ...rest, steps: m.steps.map((s) => s.value) };
  if (m.graph.size > 0) raw['graph'] = Object.fromEntries([...m.graph].map(([k, e]) => [k, e.value]));
  if (m.devices.size > 0) raw['devices'] = Object.fromEntries([...m.devices].map(([k, e]) => [k, e.value]));
  const value = interpolate(raw, axes, [], report) as Record<string, unknown>;
  const shape = ScenarioShape.safeParse(value);
  if (!shape.success) diags.push(...issueDiagnostics(shape.error.issues, ScenarioShape, value, locate));
  const steps = (Array.isArray(value['steps']) ? value['steps'] : []) as unknown[];
  const stepDiags = steps.map((s, i) => validateStep(s, ['steps', i], locate));
  stepDiags.forEach((d) => diags.push(...d));
  const firstBad = stepDiags.findIndex((d) => d.length > 0);
  if (!shape.success || diags.length > before) {
    checkReferencesAnyway(value, firstBad < 0 ? steps : steps.slice(0, firstBad), axes, locate, diags);
    return [];
  }

  const file = shape.data;
  const semantics = caseSemantics(axes, file.semantics);
  const { compiled, built } = traceCase(file, steps, { ...axes, semantics }, locate, diags);
  const label = axesLabel(axes);
  return [{
    file: m.main.file,
    scenario: file.scenario,
    axes: Object.fromEntries(Object.entries(axes).map(([k, v]) => [k, String(v)])),
    name: label === '' ? file.scenario : `${file.scenario}[${label}]`,
    about: file.about,
    tags: file.tags ?? [],
    semantics,
    setup: compiled.setup,
    steps: built,
    ...(file.divergence === undefined ? {} : { divergence: readDivergence(file.divergence, built, locate, diags) }),
    span: spanOfPath(m.main, ['scenario']),
  }];
}

type Declared = { readonly graph?: Record<string, unknown> | undefined; readonly devices?: Record<string, string> | undefined };

/** Compiles the graph and follows the steps' references (node, device, bitmap, job, I/O range). */
function traceCase(file: Declared, steps: readonly unknown[], caseAxes: Axes & { semantics: Semantics }, locate: Locate, diags: Diagnostic[]) {
  const graph = (file.graph ?? {}) as Record<string, NodeSpec>;
  const devices = file.devices ?? {};
  const compiled = compileGraph(graph, devices, caseAxes.semantics, locate, diags);
  const nodes = new Map<string, number | undefined>(compiled.sizes);
  const state = {
    nodes,
    devices: new Map(Object.entries(devices)),
    everNodes: new Set(nodes.keys()),
    bitmaps: new Set<string>(),
    jobs: new Set<string>(),
    imageNodes: imageNodes(compiled.setup.blockdevs),
    initial: { nodes: new Map(nodes), devices: new Map(Object.entries(devices)) },
  };
  const kept = steps.map((value, index) => ({ value, index })).filter(({ value }) => applies(stepWhen(value).when, caseAxes));
  return { compiled, built: traceSteps(kept, makeTracer(state, locate, diags)) };
}

/**
 * A file with shape errors still gets its reference errors in the same report (every error at
 * once), as far as they are sound: the graph and devices must be well-formed, and only the steps
 * before the first malformed one are followed, since a step we cannot read might have created
 * the node, bitmap or job a later step names.
 */
function checkReferencesAnyway(value: Record<string, unknown>, steps: readonly unknown[], axes: Axes, locate: Locate, diags: Diagnostic[]): void {
  const part = Object.fromEntries(['graph', 'devices', 'semantics'].filter((k) => k in value).map((k) => [k, value[k]]));
  const declared = ScenarioShape.pick({ graph: true, devices: true, semantics: true }).safeParse(part);
  if (!declared.success) return;
  traceCase(declared.data, steps, { ...axes, semantics: caseSemantics(axes, declared.data.semantics) }, locate, diags);
}

/** A `semantics:` list became a matrix axis (readMatrix), so the case's value wins; a single name holds for every case. */
function caseSemantics(axes: Axes, declared: Semantics | readonly Semantics[] | undefined): Semantics {
  if (typeof axes['semantics'] === 'string') return axes['semantics'] as Semantics;
  return typeof declared === 'string' ? declared : 'qemu-7.2';
}

/** Image file -> node-name, from the setup's `file: {driver: file, filename}` children. */
function imageNodes(blockdevs: readonly Readonly<Record<string, unknown>>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of blockdevs) {
    const file = b['file'] as Record<string, unknown> | undefined;
    if (typeof b['node-name'] === 'string' && typeof file?.['filename'] === 'string') out.set(file['filename'], b['node-name']);
  }
  return out;
}

function dedupe(diags: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out = diags.filter((d) => {
    const key = `${spanKey(d.span)}\0${d.code}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return out.sort((a, b) => (a.span.file === b.span.file ? a.span.start - b.span.start : a.span.file < b.span.file ? -1 : 1));
}
