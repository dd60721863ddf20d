/**
 * Builds an `expect:` step: each expectation keeps the span of its key and of every value, so a
 * mismatch points at it and `--update` can splice the actual value over exactly that text.
 * References are checked against what the case has declared or created so far.
 */
import type { Extent } from '../backends/backend.ts';
import type { SourceSpan } from '../source.ts';
import { checkExtentOrder, checkPicture, parseExtent } from './extents.ts';
import { toBytes } from './graph.ts';
import type { Path } from './source-file.ts';
import { didYouMean } from './suggest.ts';
import { parseEventItem } from './event-item.ts';
import { checkJobRef } from './run-step.ts';
import type { Tracer } from './trace.ts';
import type { BitmapExpectation, BitmapFields, EventsExpectation, ExpectStep, ImageExpectation, JobExpectation, JobFields, Spanned } from './types.ts';

type Raw = Readonly<Record<string, unknown>>;
const entries = (v: unknown): [string, unknown][] => (v && typeof v === 'object' ? Object.entries(v) : []);

export function buildExpect(value: unknown, at: Path, span: SourceSpan, t: Tracer): ExpectStep {
  const e = (value ?? {}) as Raw;
  const bitmaps = entries(e['bitmaps']).flatMap(([key, v]) => bitmapExpectation(key, v, [...at, 'bitmaps', key], t));
  const io = (Array.isArray(e['io']) ? (e['io'] as string[]) : []).map((text, i) => {
    const path = [...at, 'io', i];
    return { ...t.io(text, path, true), span: t.span(path) };
  });
  const nodes = entries(e['nodes']).map(([node, exists]) => {
    const path = [...at, 'nodes', node];
    if (!t.state.everNodes.has(node)) {
      t.report('unknown-node', `unknown node '${node}'${didYouMean(node, t.state.everNodes)}`, path, true);
    }
    return { node, keySpan: t.span(path, true), exists: { value: exists === true, span: t.span(path) } };
  });
  const jobs = entries(e['jobs']).map(([id, v]) => jobExpectation(id, v, [...at, 'jobs', id], t));
  const events = entries(e['events']).map(([id, v]) => eventsExpectation(id, v, [...at, 'events', id], t));
  const images = entries(e['images']).map(([file, v]): ImageExpectation => {
    const path = [...at, 'images', file];
    const list = (Array.isArray(v) ? v : []) as { name: string; granularity: number | string; flags: string[] }[];
    const expected = list.map((b) => ({ name: b.name, granularity: toBytes(b.granularity), flags: b.flags }));
    return { file, keySpan: t.span(path, true), span: t.span(path), expected };
  });
  return { kind: 'expect', bitmaps, io, nodes, jobs, ...(events.length > 0 ? { events } : {}), ...(images.length > 0 ? { images } : {}), span };
}

function spanned<T>(value: T, path: Path, t: Tracer): Spanned<T> {
  return { value, span: t.span(path) };
}

function bitmapExpectation(key: string, v: unknown, path: Path, t: Tracer): BitmapExpectation[] {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) {
    t.report('wrong-type', `bitmap key '${key}' must be node/name or device:<id>/name, e.g. top/b0`, path, true);
    return [];
  }
  const node = key.slice(0, slash);
  const name = key.slice(slash + 1);
  // `device:<qdev id>/name` keys a drive bitmap (extension); only the bitmap itself is checked.
  if (!node.startsWith('device:') && !t.state.everNodes.has(node)) {
    t.report('unknown-node', `unknown node '${node}'${didYouMean(node, t.state.everNodes)}`, path, true);
  } else if (!t.state.bitmaps.has(key)) {
    const known = [...t.state.bitmaps].filter((b) => b.startsWith(`${node}/`)).map((b) => b.slice(slash + 1));
    t.report('unknown-bitmap', `no bitmap '${name}' was added on node '${node}' by an earlier step${didYouMean(name, known)}`, path, true);
  }
  const base = { node, name, keySpan: t.span(path, true), span: t.span(path) };
  if (v === null) return [{ ...base, expected: null }];
  const f = v as Raw;
  const fields: Record<string, Spanned<unknown>> = {};
  for (const [k, x] of Object.entries(f)) {
    const p = [...path, k];
    if (k === 'dirty') fields[k] = spanned(extents(x as string[], p, t), p, t);
    else if (k === 'count' || k === 'granularity') fields[k] = spanned(toBytes(x as number | string), p, t);
    else {
      if (k === 'map') {
        const problem = checkPicture(String(x));
        if (problem) t.report('invalid', problem, p);
      }
      fields[k] = spanned(x, p, t);
    }
  }
  return [{ ...base, expected: fields as BitmapFields }];
}

function extents(texts: readonly string[], path: Path, t: Tracer): Extent[] {
  const out: Extent[] = [];
  texts.forEach((text, i) => {
    const r = parseExtent(text);
    if (r.ok) out.push(r.value);
    else t.report('bad-size', r.reason, [...path, i]);
  });
  const disorder = out.length === texts.length ? checkExtentOrder(out) : undefined;
  if (disorder) t.report('invalid', disorder, path);
  return out;
}

function jobExpectation(id: string, v: unknown, path: Path, t: Tracer): JobExpectation {
  checkJobRef(id, path, t, true);
  const base = { id, keySpan: t.span(path, true), span: t.span(path) };
  if (v === null) return { ...base, expected: null };
  const fields: Record<string, Spanned<unknown>> = {};
  for (const [k, x] of Object.entries(v as Raw)) {
    fields[k] = spanned(k.endsWith('-progress') ? toBytes(x as number | string) : x, [...path, k], t);
  }
  return { ...base, expected: fields as JobFields };
}

/** `s0: [created, running, ...]`: each item must parse (event-item.ts). */
function eventsExpectation(id: string, v: unknown, path: Path, t: Tracer): EventsExpectation {
  checkJobRef(id, path, t, true);
  const items = (Array.isArray(v) ? v : []).map((x: unknown) => String(x));
  items.forEach((text, i) => {
    const parsed = parseEventItem(text);
    if (!parsed.ok) t.report('invalid', parsed.reason, [...path, i]);
  });
  return { id, keySpan: t.span(path, true), expected: spanned(items, path, t) };
}
