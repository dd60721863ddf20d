/**
 * Byte sizes and offsets as qemu-img and qemu-io spell them.
 *
 * QEMU parses these with qemu_strtosz (util/cutils.c): a decimal number, optionally with a
 * fraction, followed by an optional binary suffix B, K, M, G, T, P or E (any case). A fraction is
 * only allowed with a suffix and the result must be a whole number of bytes. Hex (0x...) is
 * accepted without a suffix. Sizes stay numbers inside the core; strings exist only at the edge.
 */

/** A count of bytes, or a byte offset. Always a non-negative safe integer. */
export type Bytes = number;

export type SizeParse = { readonly ok: true; readonly value: Bytes } | { readonly ok: false; readonly reason: string };

const SUFFIX_SHIFT: Readonly<Record<string, number>> = { b: 0, k: 10, m: 20, g: 30, t: 40, p: 50, e: 60 };

export function parseSize(text: string): SizeParse {
  const s = text.trim();
  const hex = /^0x([0-9a-f]+)$/i.exec(s);
  if (hex) return checked(Number.parseInt(hex[1] ?? '', 16), text);
  const m = /^(\d+)(?:\.(\d+))?\s*([bkmgtpe])?$/i.exec(s);
  if (!m) return { ok: false, reason: `'${text}' is not a size (expected e.g. 512, 4K, 64K, 1M, 1G, 1T)` };
  const [, whole = '', frac, suffix] = m;
  if (frac !== undefined && suffix === undefined) {
    return { ok: false, reason: `'${text}': a fractional size needs a unit suffix (K, M, G, ...)` };
  }
  const shift = SUFFIX_SHIFT[(suffix ?? 'b').toLowerCase()] ?? 0;
  const unit = 2 ** shift;
  const value = Number(whole) * unit + (frac === undefined ? 0 : Number(`0.${frac}`) * unit);
  if (!Number.isInteger(value)) return { ok: false, reason: `'${text}' is not a whole number of bytes` };
  return checked(value, text);
}

function checked(value: number, text: string): SizeParse {
  if (!Number.isSafeInteger(value)) return { ok: false, reason: `'${text}' is too large (at most 2^53-1 bytes)` };
  return { ok: true, value };
}

/** Like parseSize, for values known to be valid (tests, constants); throws otherwise. */
export function size(text: string): Bytes {
  const r = parseSize(text);
  if (!r.ok) throw new RangeError(r.reason);
  return r.value;
}

const UNITS: readonly (readonly [string, number])[] = [
  ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10],
];

/** The shortest exact qemu-img spelling: 65536 -> "64K", 196608 -> "192K", 1000 -> "1000". */
export function formatSize(bytes: Bytes): string {
  if (bytes === 0) return '0';
  for (const [suffix, unit] of UNITS) {
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
