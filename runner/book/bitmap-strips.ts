/**
 * Every bitmap after one step as a row: its key, its strip (dirty cells blue, cells this step
 * newly dirtied orange) and what QEMU reports of it (count, granularity, states).
 */
import { formatSize } from '../../src/size.ts';
import { esc } from '../../reports/escape.ts';
import { aggregate, stripCellBytes } from '../../reports/svg/strip.ts';
import { stripSvg } from '../../reports/svg/strip-svg.ts';
import type { TracedBitmap } from '../execute/trace.ts';
import { whyUnreadable } from '../expect/bitmaps.ts';

export function bitmapStrips(bitmaps: readonly TracedBitmap[]): string {
  if (bitmaps.length === 0) return '<p class="muted">no bitmaps</p>';
  return `<div class="strips">${bitmaps.map(row).join('')}</div>`;
}

function row(b: TracedBitmap): string {
  const o = b.observation;
  const key = `<span class="key">${esc(b.key)}</span>`;
  if (!Array.isArray(o.extents)) {
    return `${key}<span class="muted">contents not drawn: ${esc(whyUnreadable(o))}</span><span class="info">${esc(info(b))}</span>`;
  }
  const cell = stripCellBytes(o.size, o.granularity);
  const svg = stripSvg({
    dirty: aggregate(o.size, cell, o.extents),
    fresh: aggregate(o.size, cell, b.fresh),
    label: `${b.key} after this step`,
    describeCell: (first, count) => `${formatSize(first * cell)}+${formatSize(count * cell)}`,
  });
  return `${key}${svg}<span class="info">${esc(`${info(b)}, 1 cell = ${formatSize(cell)}`)}</span>`;
}

function info(b: TracedBitmap): string {
  const o = b.observation;
  const states = [!o.recording && 'disabled', o.busy && 'busy', o.persistent && 'persistent', o.inconsistent && 'inconsistent'].filter((s) => s !== false);
  const fresh = b.fresh.reduce((sum, e) => sum + e.length, 0);
  return [`count ${formatSize(o.count)}`, fresh > 0 ? `+${formatSize(fresh)} new` : '', `granularity ${formatSize(o.granularity)}`, ...states]
    .filter((s) => s !== '')
    .join(', ');
}
