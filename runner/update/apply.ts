/**
 * Writes an update plan: per file, splice, re-parse the result (an edit that breaks the file is
 * not written), then write atomically (temporary file in the same directory, then rename) so an
 * interrupted update never leaves half a scenario. Files without edits are never opened for
 * writing, so they stay byte for byte as they were.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Diagnostic } from '../source.ts';
import type { UpdatePlan } from './plan.ts';
import { splice } from './splice.ts';

/** Loads the new text as the scenario loader would; an empty list means it is valid. */
export type Reparse = (file: string, text: string) => readonly Diagnostic[];

export interface UpdateReport {
  readonly written: readonly string[];
  /** One line per span or file that was not updated, with the reason. */
  readonly problems: readonly string[];
}

export function applyUpdate(plan: UpdatePlan, reparse: Reparse): UpdateReport {
  const written: string[] = [];
  const problems = plan.refusals.map((r) => `${r.file}:${r.line}:${r.col}: not updated: ${r.reason}`);
  for (const [file, edits] of plan.edits) {
    let before: string;
    try {
      before = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(`${file}: not updated: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const after = splice(before, edits);
    if (!after.ok) {
      problems.push(`${file}: not updated: ${after.reason}`);
      continue;
    }
    const diagnostics = reparse(file, after.text);
    const first = diagnostics[0];
    if (first !== undefined) {
      problems.push(`${file}: not updated: the result would not load (${first.code} at ${first.span.line}:${first.span.col}: ${first.message})`);
      continue;
    }
    const temp = `${file}.${process.pid}.update.tmp`;
    writeFileSync(temp, after.text);
    renameSync(temp, file);
    written.push(file);
  }
  return { written, problems };
}
