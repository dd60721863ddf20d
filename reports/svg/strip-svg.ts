/**
 * A strip as inline SVG: one unit of the viewBox per cell, stretched to the page's width. Runs of
 * equal cells become one rectangle, so a mostly clean 512-cell strip is a handful of elements.
 * Dirty cells are blue, cells the step newly dirtied orange, both shaded by their dirty fraction
 * (at least MIN_SHADE, so one dirty granule in a 128G cell stays visible); differing cells get a
 * red mark below the strip.
 */
import { esc } from '../escape.ts';

/** The lightest shade a cell with any dirty byte gets. */
export const MIN_SHADE = 0.3;
const ROW = 10;
const MARK = 3;

export interface StripDrawing {
  /** Dirty fraction per cell, 0..1. */
  readonly dirty: ArrayLike<number>;
  /** Per cell, the fraction newly dirtied by the step (drawn in the "fresh" colour). */
  readonly fresh?: ArrayLike<number>;
  /** Per cell, whether to mark it (expected and actual differ there). */
  readonly marked?: readonly boolean[];
  /** Hover text and accessible name. */
  readonly label: string;
  /** Bytes per cell, for the hover text of each run; omitted for pictures without a byte scale. */
  readonly describeCell?: (first: number, count: number) => string;
}

type Kind = 'clean' | 'dirty' | 'fresh';

interface Run {
  readonly kind: Kind;
  readonly shade: number;
  readonly start: number;
  count: number;
}

function cellOf(d: StripDrawing, i: number): { kind: Kind; shade: number } {
  const fresh = d.fresh?.[i] ?? 0;
  if (fresh > 0) return { kind: 'fresh', shade: shadeOf(d.dirty[i] ?? fresh) };
  const dirty = d.dirty[i] ?? 0;
  return dirty > 0 ? { kind: 'dirty', shade: shadeOf(dirty) } : { kind: 'clean', shade: 1 };
}

function shadeOf(fraction: number): number {
  return Math.round((MIN_SHADE + (1 - MIN_SHADE) * Math.min(1, fraction)) * 100) / 100;
}

function runsOf(d: StripDrawing): Run[] {
  const runs: Run[] = [];
  for (let i = 0; i < d.dirty.length; i++) {
    const c = cellOf(d, i);
    const last = runs.at(-1);
    if (last !== undefined && last.kind === c.kind && last.shade === c.shade) last.count++;
    else runs.push({ ...c, start: i, count: 1 });
  }
  return runs;
}

export function stripSvg(d: StripDrawing): string {
  const cells = Math.max(1, d.dirty.length);
  const marked = d.marked?.some((m) => m) === true;
  const height = ROW + (marked ? MARK + 1 : 0);
  const rects = runsOf(d).map((r) => {
    const title = d.describeCell === undefined ? '' : `<title>${esc(d.describeCell(r.start, r.count))}</title>`;
    const opacity = r.kind === 'clean' ? '' : ` fill-opacity="${r.shade}"`;
    return `<rect class="${r.kind}" x="${r.start}" y="0" width="${r.count}" height="${ROW}"${opacity}>${title}</rect>`;
  });
  const marks = (d.marked ?? []).flatMap((m, i) => (m ? [`<rect class="mark" x="${i}" y="${ROW + 1}" width="1" height="${MARK}"/>`] : []));
  // Cell borders only where a cell is wide enough on screen to need one.
  const grid = cells <= 64 ? `<path class="grid" d="${Array.from({ length: cells - 1 }, (_, i) => `M${i + 1} 0V${ROW}`).join('')}"/>` : '';
  return [
    `<svg class="strip" role="img" aria-label="${esc(d.label)}" viewBox="0 0 ${cells} ${height}" preserveAspectRatio="none" data-cells="${cells}">`,
    ...rects,
    grid,
    ...marks,
    '</svg>',
  ].join('');
}
