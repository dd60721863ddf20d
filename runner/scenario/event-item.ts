/**
 * One item of an `events:` expectation, in one line: a JOB_STATUS_CHANGE status (`running`) or a
 * block-job event with the fields to compare (`BLOCK_JOB_COMPLETED len=1M offset=1M`). Only the
 * fields written are compared, so a scenario leaves out what QEMU does not make deterministic
 * (a cancelled job's offset, say); timestamps never take part. Field names are QEMU's
 * (qapi/block-core.json BLOCK_JOB_* events); `device` is left out, it is the job id.
 */
import { formatSize, parseSize } from '../../src/size.ts';
import { JOB_STATUSES } from '../../src/jobs/status.ts';

const FIELDS_OF: Readonly<Record<string, readonly string[]>> = {
  BLOCK_JOB_READY: ['type', 'len', 'offset', 'speed'],
  BLOCK_JOB_PENDING: ['type'],
  BLOCK_JOB_COMPLETED: ['type', 'len', 'offset', 'speed', 'error'],
  BLOCK_JOB_CANCELLED: ['type', 'len', 'offset', 'speed'],
  BLOCK_JOB_ERROR: ['operation', 'action'],
};
const SIZES = new Set(['len', 'offset', 'speed']);

export interface EventItem {
  /** A status (for JOB_STATUS_CHANGE) or a BLOCK_JOB_* event name. */
  readonly name: string;
  /** The written fields in order, values as written (sizes already canonical). */
  readonly fields: readonly (readonly [string, string])[];
}

export type ParsedItem = { readonly ok: true; readonly item: EventItem } | { readonly ok: false; readonly reason: string };

const FIELD = /^([a-z-]+)=("(?:[^"\\]|\\.)*"|\S+)$/;

export function parseEventItem(text: string): ParsedItem {
  const [name = '', ...rest] = text.trim().split(/\s+(?=[a-z-]+=)/);
  const allowed = FIELDS_OF[name];
  if (allowed === undefined && !(JOB_STATUSES as readonly string[]).includes(name)) {
    return { ok: false, reason: `'${name}' is neither a job status (${JOB_STATUSES.join(', ')}) nor one of ${Object.keys(FIELDS_OF).join(', ')}` };
  }
  const fields: [string, string][] = [];
  for (const part of rest) {
    const m = FIELD.exec(part);
    if (m === null) return { ok: false, reason: `'${part}' is not key=value` };
    const [, key = '', raw = ''] = m;
    if (!allowed?.includes(key)) return { ok: false, reason: `${name} has no field '${key}'${allowed ? ` (it has ${allowed.join(', ')})` : ''}` };
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    if (SIZES.has(key)) {
      const size = parseSize(value);
      if (!size.ok) return { ok: false, reason: `${key}: ${size.reason}` };
      fields.push([key, formatSize(size.value)]);
    } else fields.push([key, value]);
  }
  return { ok: true, item: { name, fields } };
}

/** The canonical one-line text of an item (what diffs show and --update writes). */
export function renderItem(item: EventItem): string {
  return [item.name, ...item.fields.map(([k, v]) => `${k}=${/^[\w./+-]+$/.test(v) ? v : JSON.stringify(v)}`)].join(' ');
}

/** A QMP event as an item with the fields `keys`; a field the event lacks shows as `absent`. */
export function eventAsItem(event: string, data: Readonly<Record<string, unknown>>, keys: readonly string[]): EventItem {
  if (event === 'JOB_STATUS_CHANGE') return { name: String(data['status']), fields: [] };
  return {
    name: event,
    fields: keys.map((k) => {
      const v = data[k];
      return [k, v === undefined ? 'absent' : SIZES.has(k) && typeof v === 'number' ? formatSize(v) : String(v)] as const;
    }),
  };
}
