/**
 * Event expectations: for each job written, the events it emitted since the previous events
 * expectation (JOB_STATUS_CHANGE as its status, BLOCK_JOB_* with the fields the item names),
 * compared item by item in one canonical line each, so the diff shows the items that differ.
 */
import type { QmpEvent } from '../../src/qmp/reply.ts';
import { eventAsItem, parseEventItem, renderItem } from '../scenario/event-item.ts';
import type { EventsExpectation } from '../scenario/types.ts';
import type { CheckOutcome } from './outcome.ts';

const JOB_EVENT = /^(JOB_STATUS_CHANGE|BLOCK_JOB_\w+)$/;

/** The job an event is about: JOB_STATUS_CHANGE and BLOCK_JOB_PENDING carry `id`, the others `device`. */
function jobOf(e: QmpEvent): unknown {
  return e.data['id'] ?? e.data['device'];
}

export function checkEvents(exp: EventsExpectation, events: readonly QmpEvent[]): CheckOutcome {
  const wanted = exp.expected.value.map((text) => {
    const parsed = parseEventItem(text);
    return parsed.ok ? parsed.item : { name: text, fields: [] };
  });
  const mine = events.filter((e) => JOB_EVENT.test(e.event) && jobOf(e) === exp.id);
  // Each actual event shows the fields its counterpart names (the expected item of the same name
  // and occurrence), so only those are compared and a missing status does not shift the fields.
  const seen = new Map<string, number>();
  const got = mine.map((e) => {
    const name = e.event === 'JOB_STATUS_CHANGE' ? String(e.data['status']) : e.event;
    const nth = seen.get(name) ?? 0;
    seen.set(name, nth + 1);
    const counterpart = wanted.filter((w) => w.name === name)[nth];
    return renderItem(eventAsItem(e.event, e.data, counterpart?.fields.map(([k]) => k) ?? []));
  });
  const want = wanted.map(renderItem);
  const holds = want.length === got.length && want.every((w, i) => w === got[i]);
  const observed = [{ span: exp.expected.span, text: flowList(got), holds }];
  if (holds) return { failures: [], observed };
  return {
    failures: [{
      code: 'event-mismatch',
      message: `events of job ${exp.id} differ`,
      span: exp.expected.span,
      expected: [`events ${exp.id}:`, ...want.map((w) => `  ${w}`)].join('\n'),
      actual: [`events ${exp.id}:`, ...got.map((g) => `  ${g}`)].join('\n'),
    }],
    observed,
  };
}

/** A YAML flow sequence; items that plain flow scalars cannot hold are quoted. */
function flowList(items: readonly string[]): string {
  return `[${items.map((i) => (/^[\w][\w=. /+-]*$/.test(i) ? i : JSON.stringify(i))).join(', ')}]`;
}
