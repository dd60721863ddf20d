/**
 * QMP argument checking with QAPI's own error texts (qapi/qobject-input-visitor.c), so a handler
 * declares its arguments once and gets typed values or the exact error QEMU 7.2 would send.
 *
 *   const addArgs = { node: str, name: str, granularity: optional(uint32), persistent: optional(bool) };
 *   const parsed = parseArgs(addArgs, args);   // { ok: true, value: { node, name, granularity? ... } }
 *
 * Members are checked in declaration order (QAPI visits them in schema order: a missing 'node'
 * is reported before a wrongly typed 'name'), then the first unexpected key. Texts probed on QEMU
 * 7.2.22, e.g. with block-dirty-bitmap-add and transaction:
 *   Parameter 'name' is missing                 Parameter 'foo' is unexpected
 *   Invalid parameter type for 'name', expected: string      (also boolean, object, array, integer)
 *   Parameter 'granularity' expects uint64      (not an unsigned integer: 1.5, "64K", true, null)
 *   Parameter 'granularity' expects uint32_t    (an integer out of range; negative included)
 *   Parameter 'type' does not accept value 'x'  (enums)
 * Nested members carry their path ('actions[0].data.name'), except the uint32_t and enum texts,
 * which QEMU prints with the bare member name, and an alternate inside a list, which QEMU prints
 * as 'null' (qobject_input_start_alternate gets no name for list elements).
 * Deviations: QEMU reports the first unexpected key in hash-table order; this reports the first
 * in input order. Integers beyond 2^53 cannot be told apart from doubles in JavaScript.
 */
import { genericError, type QmpError } from './reply.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: QmpError };

/** Where a value sits: its bare member name (undefined for a list element) and its full path. */
export interface ArgPlace {
  readonly name: string | undefined;
  readonly path: string;
}

export interface Field<T> {
  readonly optional: boolean;
  readonly parse: (value: unknown, place: ArgPlace) => Parsed<T>;
}

export type Shape = Readonly<Record<string, Field<unknown>>>;

type FieldValue<F> = F extends Field<infer T> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? K : never }[keyof S];
/** The typed arguments of a shape: optional members are absent when not given. */
export type Args<S extends Shape> = { -readonly [K in Exclude<keyof S, OptionalKeys<S>>]: FieldValue<S[K]> } & {
  -readonly [K in OptionalKeys<S>]?: FieldValue<S[K]>;
};

const accept = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (desc: string): Parsed<never> => ({ ok: false, error: genericError(desc).error });
const wrongType = (place: ArgPlace, expected: string): Parsed<never> =>
  fail(`Invalid parameter type for '${place.path}', expected: ${expected}`);

function required<T>(parse: Field<T>['parse']): Field<T> {
  return { optional: false, parse };
}

export function optional<T>(field: Field<T>): Field<T> & { readonly optional: true } {
  return { optional: true, parse: field.parse };
}

export const str: Field<string> = required((v, place) => (typeof v === 'string' ? accept(v) : wrongType(place, 'string')));

export const bool: Field<boolean> = required((v, place) => (typeof v === 'boolean' ? accept(v) : wrongType(place, 'boolean')));

/**
 * QAPI int/int64: an integer QEMU's JSON parser keeps as int64. A larger one becomes a double
 * there, so 7.2 answers "expected: integer" (probed: block_resize size 2^64, null-co size 2^63).
 * 2^63 itself is allowed through: it is the double INT64_MAX (9223372036854775807) rounds to.
 */
export const int64: Field<number> = required((v, place) =>
  Number.isInteger(v) && Math.abs(v as number) <= 2 ** 63 ? accept(v as number) : wrongType(place, 'integer'),
);

/** QAPI uint64 / size; negative integers wrap like QEMU's "backward compatibility" path does. */
export const uint64: Field<number> = required((v, place) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v >= 2 ** 64 || v < -(2 ** 63)) {
    return fail(`Parameter '${place.path}' expects uint64`);
  }
  return accept(v < 0 ? 2 ** 64 + v : v);
});

/** QAPI uint32 (visit_type_uint32: a uint64 first, then the range check under the bare name). */
export const uint32: Field<number> = required((v, place) => {
  const wide = uint64.parse(v, place);
  if (!wide.ok || wide.value <= 0xffff_ffff) return wide;
  return fail(`Parameter '${place.name ?? 'null'}' expects uint32_t`);
});

export function enumOf<const V extends string>(...values: readonly V[]): Field<V> {
  return required((v, place) => {
    if (typeof v !== 'string') return wrongType(place, 'string');
    return (values as readonly string[]).includes(v) ? accept(v as V) : fail(`Parameter '${place.name ?? 'null'}' does not accept value '${v}'`);
  });
}

export function list<T>(item: Field<T>): Field<T[]> {
  return required((v, place) => {
    if (!Array.isArray(v)) return wrongType(place, 'array');
    const out: T[] = [];
    for (const [i, element] of v.entries()) {
      const parsed = item.parse(element, { name: undefined, path: `${place.path}[${i}]` });
      if (!parsed.ok) return parsed;
      out.push(parsed.value);
    }
    return accept(out);
  });
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A QAPI struct member: a nested object checked against its own shape. */
export function struct<S extends Shape>(shape: S): Field<Args<S>> {
  return required((v, place) => (isRecord(v) ? parseMembers(shape, v, `${place.path}.`) : wrongType(place, 'object')));
}

/** Any JSON object, checked later by its consumer (e.g. a flat union's branch). */
export const object: Field<Readonly<Record<string, unknown>>> = required((v, place) => (isRecord(v) ? accept(v) : wrongType(place, 'object')));

/**
 * A QAPI alternate of a string and an object, e.g. BlockDirtyBitmapOrStr: a string is taken as
 * is, an object is checked against `shape`, anything else names the alternate's type.
 */
export function strOrStruct<S extends Shape>(typeName: string, shape: S): Field<string | Args<S>> {
  return required<string | Args<S>>((v, place) => {
    if (typeof v === 'string') return accept(v);
    if (isRecord(v)) return parseMembers(shape, v, `${place.path}.`);
    return fail(`Invalid parameter type for '${place.name ?? 'null'}', expected: ${typeName}`);
  });
}

function parseMembers<S extends Shape>(shape: S, args: Readonly<Record<string, unknown>>, prefix: string): Parsed<Args<S>> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(shape)) {
    const place = { name, path: `${prefix}${name}` };
    if (!Object.hasOwn(args, name)) {
      if (field.optional) continue;
      return fail(`Parameter '${place.path}' is missing`);
    }
    const parsed = field.parse(args[name], place);
    if (!parsed.ok) return parsed;
    out[name] = parsed.value;
  }
  const unexpected = Object.keys(args).find((key) => !Object.hasOwn(shape, key));
  if (unexpected !== undefined) return fail(`Parameter '${prefix}${unexpected}' is unexpected`);
  return accept(out as Args<S>);
}

/** Checks a command's arguments against its shape. `path` prefixes nested data, e.g. 'actions[0].data'. */
export function parseArgs<S extends Shape>(shape: S, args: Readonly<Record<string, unknown>>, path?: string): Parsed<Args<S>> {
  return parseMembers(shape, args, path === undefined ? '' : `${path}.`);
}
