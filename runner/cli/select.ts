/**
 * Which cases a run takes: by tag (any of the given), by name (regex on `scenario [axes]`), and
 * by shard. A shard is chosen by a hash of the case's file and name, not its position, so adding
 * a scenario moves no other case between CI jobs.
 */
import type { ScenarioCase } from '../scenario/types.ts';
import type { Shard } from './options.ts';

export interface Selection {
  readonly tags: readonly string[];
  readonly grep?: RegExp;
  readonly shard?: Shard;
}

export function selectCases(cases: readonly ScenarioCase[], sel: Selection): ScenarioCase[] {
  return cases.filter(
    (c) =>
      (sel.tags.length === 0 || c.tags.some((t) => sel.tags.includes(t))) &&
      (sel.grep === undefined || sel.grep.test(c.name)) &&
      (sel.shard === undefined || shardOf(`${c.file}#${c.name}`, sel.shard.count) === sel.shard.index),
  );
}

/** 1-based shard of an id: FNV-1a (32-bit), stable across machines and Node versions. */
function shardOf(id: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % count) + 1;
}
