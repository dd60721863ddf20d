/**
 * The one HTML document shell of the HTML report and the book: inline CSS, no script, no font,
 * nothing fetched, so a page opened from a CI artifact or offline looks the same.
 */
import { esc } from './escape.ts';

const CSS = `
:root { --dirty: #2563eb; --fresh: #ea580c; --clean: #eef1f5; --mark: #dc2626; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 12px; } h2 { font-size: 18px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 18px 0 6px; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
pre, code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; margin: 6px 0; white-space: pre; }
.muted { color: var(--muted); }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
.badge.passed { background: #dafbe1; color: #116329; } .badge.failed, .badge.error { background: #ffebe9; color: #a40e26; }
.badge.skipped { background: #fff8c5; color: #7d4e00; } .badge.command { background: #ddf4ff; color: #0550ae; font-family: ui-monospace, monospace; }
details.failed, details.error { border-color: #ff8182; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 4px 10px; }
summary { cursor: pointer; padding: 4px 0; }
svg.strip { display: block; width: 100%; height: 14px; margin: 2px 0; }
svg.strip rect.clean { fill: var(--clean); } svg.strip rect.dirty { fill: var(--dirty); } svg.strip rect.fresh { fill: var(--fresh); }
svg.strip rect.mark { fill: var(--mark); } svg.strip .grid { stroke: #fff; stroke-width: 1; vector-effect: non-scaling-stroke; }
.strips { display: grid; grid-template-columns: 150px 1fr 320px; gap: 2px 10px; align-items: center; margin: 4px 0 8px; }
.strips .key { font: 12px ui-monospace, monospace; } .strips .info { font-size: 12px; color: var(--muted); }
.strips .key { overflow-wrap: anywhere; }
.diff span { display: block; min-height: 1.4em; } .diff .del { color: #116329; background: #dafbe1; } .diff .ins { color: #a40e26; background: #ffebe9; }
.diff .hunk { color: #0550ae; }
.legend span { display: inline-block; width: 12px; height: 12px; vertical-align: -2px; margin: 0 4px 0 12px; border-radius: 2px; }
.step { border-left: 3px solid var(--line); padding: 2px 0 2px 12px; margin: 10px 0; }
.step.has-error { border-left-color: #bf8700; } .step.has-failure { border-left-color: var(--mark); }
.expected-error { color: #7d4e00; font-size: 13px; }
svg.graph { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg.graph .node rect { fill: #fff; stroke: #57606a; } svg.graph .node.filter rect { stroke-dasharray: 5 3; fill: #fbf8ff; stroke: #8250df; }
svg.graph .node.protocol rect { fill: #f6f8fa; } svg.graph .device rect { fill: #ddf4ff; stroke: #0969da; }
svg.graph .node.added rect { stroke: #bf8700; }
svg.graph .edge { stroke: #8c959f; fill: none; } svg.graph .edge.backing { stroke-dasharray: 4 3; }
svg.graph .edge-label { fill: var(--muted); font-size: 11px; } svg.graph .driver { fill: var(--muted); } svg.graph .bitmap { fill: var(--dirty); font-family: ui-monospace, monospace; font-size: 11px; }
ul.cases { padding-left: 20px; } ul.cases li { margin: 2px 0; }
`;

export function htmlDocument(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const LEGEND = {
  clean: ['var(--clean)', 'clean'],
  dirty: ['var(--dirty)', 'dirty (shade: fraction of the cell\'s bytes)'],
  fresh: ['var(--fresh)', 'newly dirtied by this step'],
  mark: ['var(--mark)', 'expected and actual differ'],
} as const;

/** The colour key of the strips on a page, for the colours that page uses. */
export function stripLegend(parts: readonly (keyof typeof LEGEND)[]): string {
  const items = parts.map((p) => `<span style="background:${LEGEND[p][0]}"></span>${esc(LEGEND[p][1])}`);
  return `<p class="legend muted">Strips:${items.join('')}</p>`;
}
