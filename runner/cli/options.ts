/** Parsing of the CLI's own option values; each returns a value or a one-line reason. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface ReporterSpec {
  readonly name: string;
  /** Absent: stdout. */
  readonly file?: string;
}

/** `text`, `junit=out/junit.xml`. */
export function parseReporterSpec(spec: string, known: readonly string[]): Parsed<ReporterSpec> {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  const file = eq < 0 ? undefined : spec.slice(eq + 1);
  if (!known.includes(name)) return { ok: false, reason: `unknown reporter '${name}' (known: ${known.join(', ')})` };
  if (file === '') return { ok: false, reason: `--reporter ${name}=: the file name is empty` };
  return { ok: true, value: file === undefined ? { name } : { name, file } };
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `k/n` with 1 <= k <= n, as CI matrices number their jobs. */
export function parseShard(spec: string): Parsed<Shard> {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count) return { ok: false, reason: `--shard '${spec}': expected k/n with 1 <= k <= n, e.g. 2/4` };
  return { ok: true, value: { index, count } };
}

export function parseTimeout(spec: string): Parsed<number> {
  const ms = Number(spec);
  if (!/^\d+$/.test(spec) || ms <= 0) return { ok: false, reason: `--timeout '${spec}': expected a positive number of milliseconds` };
  return { ok: true, value: ms };
}

export function parseGrep(spec: string): Parsed<RegExp> {
  try {
    return { ok: true, value: new RegExp(spec, 'i') };
  } catch (e) {
    return { ok: false, reason: `--grep '${spec}': ${e instanceof Error ? e.message : String(e)}` };
  }
}
