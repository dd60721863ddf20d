/**
 * The step trace (asked for by the book, off in normal runs): after every step, what each bitmap
 * looked like and which bytes that step newly dirtied. Recording costs one observe() per
 * non-expect step, so runCase takes a StepTracer only when someone will draw the result.
 */
import type { BackendSession, BitmapObservation, Extent, NodeObservation } from '../backends/backend.ts';
import { normaliseExtents } from '../expect/extents.ts';
import type { Step } from '../scenario/types.ts';

/** One bitmap after one step. */
export interface TracedBitmap {
  /** `node/name`, or `node/(anonymous N)` for the Nth anonymous bitmap QEMU lists on the node. */
  readonly key: string;
  readonly node: string;
  readonly observation: BitmapObservation;
  /** Dirty now and not before the step; empty when the contents cannot be read. */
  readonly fresh: readonly Extent[];
}

export interface StepSnapshot {
  readonly step: Step;
  /** Every named node after the step, with its driver (jobs add and remove filter nodes). */
  readonly nodes: readonly { readonly nodeName: string; readonly driver: string }[];
  readonly bitmaps: readonly TracedBitmap[];
}

export interface StepTracer {
  /** Called by runCase after each step that ran to its end. */
  after(step: Step, session: BackendSession): Promise<void>;
  /** One snapshot per step, in order. */
  readonly snapshots: readonly StepSnapshot[];
}

export function stepTracer(): StepTracer {
  const snapshots: StepSnapshot[] = [];
  return {
    snapshots,
    async after(step, session) {
      const previous = snapshots.at(-1);
      // An expect step only reads: the graph and bitmaps are those of the step before, nothing new.
      if (step.kind === 'expect') {
        snapshots.push({ step, nodes: previous?.nodes ?? [], bitmaps: (previous?.bitmaps ?? []).map((b) => ({ ...b, fresh: [] })) });
        return;
      }
      const nodes = await session.observe();
      snapshots.push({
        step,
        nodes: nodes.map(({ nodeName, driver }) => ({ nodeName, driver })),
        bitmaps: traceBitmaps(nodes, previous?.bitmaps ?? []),
      });
    },
  };
}

function traceBitmaps(nodes: readonly NodeObservation[], previous: readonly TracedBitmap[]): TracedBitmap[] {
  const before = new Map(previous.map((b) => [b.key, b.observation.extents]));
  return nodes.flatMap((n) => {
    let anonymous = 0;
    return n.bitmaps.map((observation) => {
      const key = `${n.nodeName}/${observation.name ?? `(anonymous ${++anonymous})`}`;
      const now = observation.extents;
      const was = before.get(key);
      const fresh = Array.isArray(now) ? subtractExtents(now, Array.isArray(was) ? was : []) : [];
      return { key, node: n.nodeName, observation, fresh };
    });
  });
}

/** The bytes of `a` not in `b`, as sorted extents. */
export function subtractExtents(a: readonly Extent[], b: readonly Extent[]): Extent[] {
  const cut = normaliseExtents(b);
  const out: Extent[] = [];
  let j = 0;
  for (const e of normaliseExtents(a)) {
    let at = e.offset;
    const end = e.offset + e.length;
    while (j < cut.length && (cut[j]?.offset ?? 0) + (cut[j]?.length ?? 0) <= at) j++;
    for (let k = j; k < cut.length && at < end; k++) {
      const c = cut[k];
      if (c === undefined || c.offset >= end) break;
      if (c.offset > at) out.push({ offset: at, length: c.offset - at });
      at = Math.max(at, c.offset + c.length);
    }
    if (at < end) out.push({ offset: at, length: end - at });
  }
  return out;
}
