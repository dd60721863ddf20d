/**
 * blockdev-add argument shapes per driver (qapi/block-core.json BlockdevOptions), checked with
 * QAPI's texts by src/qmp/args.ts. Only the members the sim models are accepted; anything else is
 * reported as unexpected rather than silently ignored.
 */
import { bool, enumOf, int64, list, optional, str, struct, type Field } from '../qmp/args.ts';
import { genericError } from '../qmp/reply.ts';

/** BlockdevRef: a node-name or an inline definition. */
export type BlockdevRef = string | Readonly<Record<string, unknown>>;

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

function refField(typeName: string, allowNull: boolean): Field<BlockdevRef | null> {
  return {
    optional: false,
    parse: (v, place) =>
      typeof v === 'string' || isRecord(v) || (allowNull && v === null)
        ? { ok: true, value: v }
        : { ok: false, error: genericError(`Invalid parameter type for '${place.path}', expected: ${typeName}`).error },
  };
}

const blockdevRef = refField('BlockdevRef', false) as Field<BlockdevRef>;
const blockdevRefOrNull = refField('BlockdevRefOrNull', true);

export const COMMON = {
  driver: str,
  'node-name': optional(str),
  discard: optional(enumOf('ignore', 'unmap')),
  cache: optional(struct({ direct: optional(bool), 'no-flush': optional(bool) })),
  'read-only': optional(bool),
  'auto-read-only': optional(bool),
  'force-share': optional(bool),
  'detect-zeroes': optional(enumOf('off', 'on', 'unmap')),
};

const INJECT_ERROR = struct({
  event: str,
  state: optional(int64),
  iotype: optional(enumOf('read', 'write', 'write-zeroes', 'discard', 'flush', 'block-status')),
  errno: optional(int64),
  sector: optional(int64),
  once: optional(bool),
  immediately: optional(bool),
});

export const DRIVER_SHAPES = {
  file: { ...COMMON, filename: str, locking: optional(enumOf('off', 'on', 'auto')) },
  qcow2: { ...COMMON, file: blockdevRef, backing: optional(blockdevRefOrNull) },
  raw: { ...COMMON, file: blockdevRef, offset: optional(int64), size: optional(int64) },
  'null-co': { ...COMMON, size: optional(int64), 'read-zeroes': optional(bool) },
  'copy-on-read': { ...COMMON, file: blockdevRef },
  throttle: { ...COMMON, file: blockdevRef, 'throttle-group': str },
  blkdebug: { ...COMMON, image: blockdevRef, 'inject-error': optional(list(INJECT_ERROR)) },
} as const;

export type ModelledDriver = keyof typeof DRIVER_SHAPES;

export function isModelledDriver(name: string): name is ModelledDriver {
  return Object.hasOwn(DRIVER_SHAPES, name);
}
