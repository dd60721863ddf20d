/**
 * Bitmap expectations against observations. Only the fields written are compared; expected and
 * actual are rendered in one canonical text (a line per field) so the unified diff shows exactly
 * the fields that differ, and the two pictures are drawn at the actual bitmap's scale.
 */
import { formatSize } from '../../src/size.ts';
import type { BitmapObservation, NodeObservation } from '../backends/backend.ts';
import type { Failure } from '../result.ts';
import type { BitmapExpectation, BitmapFields } from '../scenario/types.ts';
import { formatExtents, normaliseExtents } from './extents.ts';
import type { CheckOutcome, ObservedValue } from './outcome.ts';
import { cellSize, describeScale, picture } from './picture.ts';

type Field = keyof BitmapFields;
const UNREADABLE = 'unreadable';
const FIELDS: readonly Field[] = ['dirty', 'count', 'granularity', 'map', 'sha256', 'recording', 'busy', 'persistent', 'inconsistent'];

function findBitmap(nodes: readonly NodeObservation[], node: string, name: string): BitmapObservation | undefined {
  return nodes.find((n) => n.nodeName === node)?.bitmaps.find((b) => b.name === name);
}

export function checkBitmap(exp: BitmapExpectation, nodes: readonly NodeObservation[]): CheckOutcome {
  const actual = findBitmap(nodes, exp.node, exp.name);
  const key = `${exp.node}/${exp.name}`;
  if (exp.expected === null || actual === undefined) return checkPresence(exp, key, actual);
  const written = FIELDS.filter((f) => exp.expected?.[f] !== undefined);
  const observed: ObservedValue[] = [];
  const differing: Field[] = [];
  for (const f of written) {
    const spanned = exp.expected[f];
    if (spanned === undefined) continue;
    const want = renderExpected(exp.expected, f, actual);
    const got = renderActual(actual, f);
    observed.push({ span: spanned.span, text: got.startsWith(UNREADABLE) ? null : got, holds: want === got });
    if (want !== got) differing.push(f);
  }
  const first = differing[0];
  if (first === undefined) return { failures: [], observed };
  const failure: Failure = {
    code: 'bitmap-mismatch',
    message: `bitmap ${key}: ${differing.join(', ')} differ${differing.length === 1 ? 's' : ''}`,
    // The first differing value, so the location is the exact text to fix.
    span: exp.expected[first]?.span ?? exp.span,
    expected: [`${key}:`, ...written.map((f) => `  ${f}: ${renderExpected(exp.expected ?? {}, f, actual)}`)].join('\n'),
    actual: [`${key}:`, ...written.map((f) => `  ${f}: ${renderActual(actual, f)}`)].join('\n'),
  };
  const pictures = picturesFor(exp.expected, actual);
  return { failures: [pictures === undefined ? failure : { ...failure, pictures }], observed };
}

/** `null` expects absence; a mapping expects presence. */
function checkPresence(exp: BitmapExpectation, key: string, actual: BitmapObservation | undefined): CheckOutcome {
  const holds = (exp.expected === null) === (actual === undefined);
  const text = actual === undefined ? 'null' : `{ ${['dirty', 'count', 'granularity'].map((f) => `${f}: ${renderActual(actual, f as Field)}`).join(', ')} }`;
  const observed = [{ span: exp.span, text, holds }];
  if (holds) return { failures: [], observed };
  const failure: Failure = {
    code: 'bitmap-mismatch',
    message: actual === undefined ? `bitmap ${key} does not exist` : `bitmap ${key} exists but should not`,
    span: exp.span,
    expected: `${key}: ${exp.expected === null ? 'absent' : 'present'}`,
    actual: `${key}: ${actual === undefined ? 'absent' : 'present'}`,
  };
  return { failures: [failure], observed };
}

function renderExpected(fields: BitmapFields, f: Field, actual: BitmapObservation): string {
  switch (f) {
    case 'dirty':
      return formatExtents(normaliseExtents(fields.dirty?.value ?? []));
    case 'count':
    case 'granularity':
      return formatSize(fields[f]?.value ?? actual[f]);
    case 'map':
    case 'sha256':
      return JSON.stringify(fields[f]?.value ?? '');
    default:
      return String(fields[f]?.value ?? actual[f]);
  }
}

function renderActual(b: BitmapObservation, f: Field): string {
  switch (f) {
    case 'dirty':
      return Array.isArray(b.extents) ? formatExtents(normaliseExtents(b.extents)) : unreadable(b);
    case 'map':
      return Array.isArray(b.extents) ? JSON.stringify(picture(b.size, cellSize(b.size, b.granularity), b.extents)) : unreadable(b);
    case 'count':
    case 'granularity':
      return formatSize(b[f]);
    case 'sha256':
      // QEMU cannot hash an anonymous bitmap; the backend says so by leaving it out.
      return b.sha256 === undefined ? `${UNREADABLE} (no digest for this bitmap)` : JSON.stringify(b.sha256);
    default:
      return String(b[f]);
  }
}

function unreadable(b: BitmapObservation): string {
  return `${UNREADABLE} (${whyUnreadable(b)})`;
}

/** Why a bitmap's extents are not known: the backend cannot read them, or the model does not model them. */
export function whyUnreadable(b: BitmapObservation): string {
  return b.extents !== undefined && 'unmodelled' in b.extents ? b.extents.unmodelled : 'the backend cannot read this bitmap';
}

function picturesFor(fields: BitmapFields, actual: BitmapObservation): Failure['pictures'] {
  if (!Array.isArray(actual.extents) || (fields.dirty === undefined && fields.map === undefined)) return undefined;
  const cell = cellSize(actual.size, actual.granularity);
  const expected = fields.dirty !== undefined ? picture(actual.size, cell, fields.dirty.value) : (fields.map?.value ?? '');
  return { expected, actual: picture(actual.size, cell, actual.extents), scale: describeScale(cell) };
}
