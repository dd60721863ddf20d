/**
 * QEMU's JSON text of a QDict (qobject/qjson.c:qobject_to_json), as `json:{...}` file names show
 * it. A QDict is a hash table of 512 buckets keyed by tdb_hash (qobject/qdict.c); iteration, and
 * so the JSON text, goes bucket by bucket, newest entry first within a bucket. That is why
 * query-named-block-nodes prints {"read-zeroes": true, "driver": "null-co", "size": 1048576}
 * (probed on 7.2.22), not the keys in insertion or alphabetical order.
 */

export type QObject = string | number | boolean | null | QDict;

/** Entries in insertion order (QDict keys are unique: a later put replaces the value in place). */
export type QDict = readonly (readonly [string, QObject])[];

const BUCKETS = 512;

/** qobject/qdict.c:tdb_hash, in unsigned 32-bit arithmetic. */
export function tdbHash(key: string): number {
  const bytes = new TextEncoder().encode(key);
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  bytes.forEach((b, i) => {
    value = (value + ((b << ((i * 5) % 24)) >>> 0)) >>> 0;
  });
  return (Math.imul(1103515243, value) + 12345) >>> 0;
}

/** The keys in QDict iteration order. */
export function iterationOrder(dict: QDict): (readonly [string, QObject])[] {
  const bucket = (key: string) => tdbHash(key) % BUCKETS;
  // A stable sort by bucket keeps insertion order; QLIST_INSERT_HEAD reverses it within a bucket.
  return dict
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => bucket(a.entry[0]) - bucket(b.entry[0]) || b.index - a.index)
    .map((x) => x.entry);
}

/** qobject_to_json without pretty-printing: `": "` after keys and `", "` between members. */
export function qobjectToJson(value: QObject): string {
  if (value === null) return 'null';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  return `{${iterationOrder(value).map(([k, v]) => `${JSON.stringify(k)}: ${qobjectToJson(v)}`).join(', ')}}`;
}
