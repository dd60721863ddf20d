/**
 * A unified diff of two canonical renderings (expected, actual), hunks only: the file headers
 * say nothing the failure's message does not.
 */
import { structuredPatch } from 'diff';

export function unifiedDiff(expected: string, actual: string): string[] {
  const patch = structuredPatch('expected', 'actual', withEol(expected), withEol(actual), '', '', { context: 3 });
  const lines: string[] = [];
  for (const h of patch.hunks) {
    lines.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines);
  }
  return lines;
}

// Without a final newline on both sides, diff reports a spurious "\ No newline" marker.
function withEol(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
