/**
 * The QMP commands that open a Setup's graph, the same on both backends so the simulator sees
 * exactly what real QEMU does: blockdev-add of each node with its file names moved into the
 * session directory (nodes then get the same absolute file names and `json:` names on both),
 * then device_add of each guest device.
 */
import { isAbsolute, join } from 'node:path';
import type { Setup } from './backend.ts';

export type Json = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rewrites every relative `filename` of a `file` protocol node, however deeply nested, into `dir`. */
export function inSessionDir(args: Json, dir: string): Json {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args)) {
    if (key === 'filename' && args['driver'] === 'file' && typeof value === 'string' && !isAbsolute(value)) {
      out[key] = join(dir, value);
    } else {
      out[key] = isRecord(value) ? inSessionDir(value, dir) : value;
    }
  }
  return out;
}

/** blockdev-add of every node, then device_add of every device, in the Setup's order. */
export function graphCommands(setup: Setup, dir: string): [string, Json][] {
  return [
    ...setup.blockdevs.map((args): [string, Json] => ['blockdev-add', inSessionDir(args, dir)]),
    ...setup.devices.map(({ id, drive }): [string, Json] => ['device_add', { driver: 'virtio-blk-pci', id, drive }]),
  ];
}

/** The format of a setup image, for host tools given only its file name (qcow2 when not an image of the setup). */
export function imageFormat(setup: Setup, filename: string): 'qcow2' | 'raw' {
  return setup.images.find((i) => i.filename === filename)?.format ?? 'qcow2';
}
