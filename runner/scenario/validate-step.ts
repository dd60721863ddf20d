/**
 * Validates one step against the schema of its own command, so that a mistake is reported
 * as itself ("unknown key 'gramularity'") rather than as a failed union of every command.
 */
import type { Diagnostic } from '../source.ts';
import { isKnownCommand } from './qmp-schema.ts';
import { stepKeys, stepSchemaFor } from './schema.ts';
import type { Path } from './source-file.ts';
import { closest, didYouMean } from './suggest.ts';
import { describe, issueDiagnostics, spanAtPath, type Locate } from './zod-issues.ts';

const MODIFIERS = ['when', 'expect-error'];

export function validateStep(value: unknown, at: Path, locate: Locate): Diagnostic[] {
  const span = (path: Path, key = false) => spanAtPath(locate, path, key);
  if (typeof value === 'string' || value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (value === 'restart' || value === 'crash') return [];
    const hint = typeof value === 'string' ? didYouMean(value, ['restart', 'crash']) : '';
    return [{ code: 'wrong-type', message: `expected a step (restart, crash or <command>: <arguments>), got ${describe(value)}${hint}`, span: span(at) }];
  }
  const keys = Object.keys(value).filter((k) => !MODIFIERS.includes(k));
  if (keys.length === 0) return [{ code: 'missing-key', message: 'a step needs a command (a QMP command, io or expect)', span: span(at) }];
  const command = keys.find((k) => stepKeys.includes(k)) ?? keys[0] ?? '';
  const out: Diagnostic[] = [];
  for (const extra of keys.filter((k) => k !== command)) {
    const hint = didYouMean(extra, MODIFIERS);
    const message = hint ? `unknown key '${extra}'${hint}` : `a step has one command, '${command}'; '${extra}' is a second`;
    out.push({ code: 'unknown-key', message, span: span([...at, extra], true) });
  }
  const near = isKnownCommand(command) || stepKeys.includes(command) ? undefined : closest(command, stepKeys);
  if (near !== undefined) {
    out.push({ code: 'unknown-command', message: `unknown command '${command}' (did you mean '${near}'?)`, span: span([...at, command], true) });
    return out;
  }
  if (out.length > 0) return out;
  const schema = stepSchemaFor(command);
  const r = schema.safeParse(value);
  return r.success ? [] : issueDiagnostics(r.error.issues, schema, value, locate, at);
}
