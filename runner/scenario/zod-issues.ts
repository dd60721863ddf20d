/**
 * Turns zod issues into Diagnostics at the YAML text: each issue's path finds the YAML node
 * (through `locate`, since a case merges fragments), and the message names the key, the type or
 * the nearest allowed name, in one line.
 */
import type { z } from 'zod';
import type { Diagnostic, DiagnosticCode, SourceSpan } from '../source.ts';
import type { Path, SourceFile } from './source-file.ts';
import { spanOfPath } from './source-file.ts';
import { didYouMean } from './suggest.ts';

/** Where a path of the validated value is written. */
export type Locate = (path: Path) => { readonly src: SourceFile; readonly path: Path };

/** The span of a path of the validated value, in the file that wrote it. */
export function spanAtPath(locate: Locate, path: Path, key = false): SourceSpan {
  const where = locate(path);
  return spanOfPath(where.src, where.path, key);
}

export function issueDiagnostics(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  value: unknown,
  locate: Locate,
  prefix: Path = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (path: Path, code: DiagnosticCode, message: string, key = false) => {
    out.push({ code, message, span: spanAtPath(locate, [...prefix, ...path], key) });
  };
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const found = valueAt(value, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = objectKeysAt(schema, path);
        for (const k of issue.keys) at([...path, k], 'unknown-key', `unknown key '${k}'${didYouMean(k, allowed)}`, true);
        break;
      }
      case 'invalid_type':
        if (found === undefined) at(path, 'missing-key', `missing key '${String(path[path.length - 1])}'`);
        else at(path, 'wrong-type', `expected ${issue.expected}, got ${describe(found)}`);
        break;
      case 'invalid_value': {
        const values = issue.values.map(String);
        at(path, 'wrong-type', `expected one of ${values.join(', ')}, got ${describe(found)}${didYouMean(String(found), values)}`);
        break;
      }
      case 'invalid_union': {
        const expected = new Set(
          issue.errors.flatMap((e) =>
            e.flatMap((i) => (i.code === 'invalid_type' ? [i.expected] : i.code === 'invalid_value' ? i.values.map(String) : [])),
          ),
        );
        const what = expected.size > 0 ? [...expected].join(' or ') : 'another shape';
        at(path, found === undefined ? 'missing-key' : 'wrong-type', `expected ${what}, got ${describe(found)}`);
        break;
      }
      case 'custom': {
        const dsl = (issue.params as { dsl?: DiagnosticCode } | undefined)?.dsl;
        at(path, dsl ?? 'invalid', issue.message);
        break;
      }
      default:
        at(path, 'invalid', issue.message);
    }
  }
  return out;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}

function valueAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema at `path` allows (for did-you-mean), through optional/record/union. */
function objectKeysAt(schema: z.ZodType, path: Path): string[] {
  const def = defOf(schema);
  if (def.innerType) return objectKeysAt(def.innerType, path);
  if (def.options) return def.options.flatMap((o) => objectKeysAt(o, path));
  if (path.length === 0) return def.shape ? Object.keys(def.shape) : [];
  const [head, ...rest] = path;
  if (def.shape) {
    const child = def.shape[String(head)];
    return child ? objectKeysAt(child, rest) : [];
  }
  const inner = def.valueType ?? def.element;
  return inner ? objectKeysAt(inner, rest) : [];
}
