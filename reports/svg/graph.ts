/**
 * The block graph as SVG, laid out in layered rows: guest devices (BlockBackends) on top, then
 * every node one row below its lowest parent, so a chain reads top to bottom as QEMU's
 * `query-block` tree does (parent above child, so edges need no arrowheads). Within a row, nodes
 * sit in the order of their parents (one barycentre pass: enough for the small graphs scenarios
 * build). Filters are dashed, protocol nodes grey, and each box lists the bitmaps that live there.
 */
import { esc } from '../escape.ts';

export type NodeKind = 'format' | 'protocol' | 'filter' | 'other';

export interface GraphNode {
  readonly name: string;
  readonly driver: string;
  readonly kind: NodeKind;
  /** Bitmap names (or `(anonymous N)`) that live on this node. */
  readonly bitmaps: readonly string[];
  /** Not in the declared graph: appeared during the run (blockdev-add, a job's filter). */
  readonly added?: boolean;
}

export interface GraphEdge {
  readonly parent: string;
  readonly child: string;
  /** The child's role as QEMU names it: file, backing, image; `root` for a device's BlockBackend. */
  readonly role: string;
}

export interface GraphDevice {
  readonly id: string;
  readonly bitmaps: readonly string[];
}

export interface BlockGraph {
  readonly devices: readonly GraphDevice[];
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const W = 180;
const GAP_X = 28;
const GAP_Y = 46;
const LINE = 14;
const MAX_NAME = 24;

interface Box {
  readonly id: string;
  readonly lines: readonly { text: string; cls: string }[];
  readonly cls: string;
  readonly title: string;
  x: number;
  y: number;
  readonly h: number;
}

/** Row of every node and device: devices 0, a node one below its lowest parent. */
export function ranks(g: BlockGraph): Map<string, number> {
  const rank = new Map<string, number>();
  const top = g.devices.length > 0 ? 1 : 0;
  for (const d of g.devices) rank.set(d.id, 0);
  for (const n of g.nodes) rank.set(n.name, top);
  // Longest-path ranking by relaxation; the bound stops a (malformed) cycle from looping.
  for (let pass = 0; pass <= g.nodes.length; pass++) {
    let changed = false;
    for (const e of g.edges) {
      const want = (rank.get(e.parent) ?? 0) + 1;
      if (rank.has(e.child) && want > (rank.get(e.child) ?? 0)) {
        rank.set(e.child, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return rank;
}

function boxes(g: BlockGraph): Box[] {
  const clip = (s: string) => (s.length > MAX_NAME ? `${s.slice(0, MAX_NAME - 1)}…` : s);
  const bitmapLines = (names: readonly string[]) => names.map((b) => ({ text: `▪ ${clip(b)}`, cls: 'bitmap' }));
  const make = (id: string, cls: string, title: string, lines: Box['lines']): Box => ({ id, cls, title, lines, x: 0, y: 0, h: 12 + LINE * lines.length });
  return [
    ...g.devices.map((d) => make(d.id, 'device', `device ${d.id}`, [{ text: clip(d.id), cls: 'name' }, { text: 'BlockBackend', cls: 'driver' }, ...bitmapLines(d.bitmaps)])),
    ...g.nodes.map((n) => {
      const tag = n.kind === 'filter' ? ' (filter)' : n.added === true ? ' (added)' : '';
      const lines = [{ text: clip(n.name), cls: 'name' }, { text: `${n.driver}${tag}`, cls: 'driver' }, ...bitmapLines(n.bitmaps)];
      return make(n.name, `node ${n.kind}${n.added === true ? ' added' : ''}`, `node ${n.name} (${n.driver})`, lines);
    }),
  ];
}

/** Positions every box; returns the drawing's size. */
function place(g: BlockGraph, all: Box[]): { width: number; height: number } {
  const rank = ranks(g);
  const rows: Box[][] = [];
  for (const b of all) (rows[rank.get(b.id) ?? 0] ??= []).push(b);
  const byId = new Map(all.map((b) => [b.id, b]));
  let y = 10;
  let width = 0;
  for (const row of rows) {
    if (row === undefined) continue;
    const centre = (b: Box) => {
      const parents = g.edges.filter((e) => e.child === b.id).map((e) => byId.get(e.parent)?.x ?? 0);
      return parents.length === 0 ? Infinity : parents.reduce((s, x) => s + x, 0) / parents.length;
    };
    const order = row.map((b, i) => ({ b, i, c: centre(b) })).sort((p, q) => p.c - q.c || p.i - q.i);
    order.forEach(({ b }, col) => {
      b.x = 10 + col * (W + GAP_X);
      b.y = y;
    });
    width = Math.max(width, 10 + row.length * (W + GAP_X));
    y += Math.max(...row.map((b) => b.h)) + GAP_Y;
  }
  return { width: Math.max(width, W + 20), height: y - GAP_Y + 10 };
}

export function graphSvg(g: BlockGraph): string {
  const all = boxes(g);
  const { width, height } = place(g, all);
  const byId = new Map(all.map((b) => [b.id, b]));
  const edges = g.edges.flatMap((e) => {
    const p = byId.get(e.parent);
    const c = byId.get(e.child);
    if (p === undefined || c === undefined) return [];
    const [x1, y1, x2, y2] = [p.x + W / 2, p.y + p.h, c.x + W / 2, c.y];
    return [
      `<path class="edge ${esc(e.role)}" d="M${x1} ${y1}L${x2} ${y2}" data-parent="${esc(e.parent)}" data-child="${esc(e.child)}"/>`,
      `<text class="edge-label" x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2 + 4}">${esc(e.role)}</text>`,
    ];
  });
  const shapes = all.map((b) => {
    const text = b.lines.map((l, i) => `<text class="${l.cls}" x="${b.x + 8}" y="${b.y + 16 + i * LINE}"${l.cls === 'name' ? ' font-weight="600"' : ''}>${esc(l.text)}</text>`);
    return `<g class="${b.cls}" data-id="${esc(b.id)}"><title>${esc(b.title)}</title><rect x="${b.x}" y="${b.y}" width="${W}" height="${b.h}" rx="5"/>${text.join('')}</g>`;
  });
  return [
    `<svg class="graph" role="img" aria-label="block graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    ...edges,
    ...shapes,
    '</svg>',
  ].join('\n');
}
