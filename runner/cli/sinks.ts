/**
 * Reporter outputs: stdout, or a file written once at the end of the run (parent directories
 * made), so a CI artifact is never half written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { reporters, type Reporter } from '../../reports/index.ts';
import type { CliIo } from './io.ts';
import type { ReporterSpec } from './options.ts';

export interface Outputs {
  readonly reporters: readonly Reporter[];
  /** Writes the file outputs; returns problems (one line each). */
  flush(): string[];
}

export function openOutputs(specs: readonly ReporterSpec[], io: CliIo): Outputs {
  const files: { path: string; text: string }[] = [];
  // no-color.org: only a present and non-empty NO_COLOR turns colour off.
  const noColor = io.env['NO_COLOR'];
  const color = io.isTTY && (noColor === undefined || noColor === '');
  const made = specs.flatMap((spec) => {
    const factory = reporters[spec.name];
    if (factory === undefined) return [];
    if (spec.file === undefined) return [factory({ out: { write: io.stdout }, color })];
    const file = { path: spec.file, text: '' };
    files.push(file);
    return [factory({ out: { write: (t) => (file.text += t) }, color: false })];
  });
  return {
    reporters: made,
    flush() {
      const problems: string[] = [];
      for (const f of files) {
        try {
          mkdirSync(dirname(f.path), { recursive: true });
          writeFileSync(f.path, f.text);
        } catch (e) {
          problems.push(`cannot write report ${f.path}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return problems;
    },
  };
}
