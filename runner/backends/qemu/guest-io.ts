/**
 * Guest I/O through HMP `qemu-io`: a qdev id addresses the device's BlockBackend by its QOM path
 * (`-d /machine/peripheral/ID/virtio-backend`; plain `-d ID` is refused, reference 1.7), anything
 * else is a node name. HMP qemu-io runs synchronously, but prints on QEMU's stdout and stderr, not
 * in the reply. Two marker commands after it delimit exactly that command's output: `help MARK`
 * prints "command MARK not found" on stdout, an unknown command `MARK` prints on stderr.
 */
import type { IoReply } from '../backend.ts';
import type { QemuInstance } from './instance.ts';
import { isLost, type QmpLost } from './qmp-client.ts';
import { ioReply } from './qemu-io-output.ts';

let markers = 0;

/** The HMP qemu-io target argument for a device id or a node name. */
export function ioTarget(target: string, deviceIds: readonly string[]): string {
  return deviceIds.includes(target) ? `-d /machine/peripheral/${target}/virtio-backend` : target;
}

/** HMP reads a quoted argument with backslash escapes. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export async function guestIo(qemu: QemuInstance, target: string, line: string, timeoutMs: number): Promise<IoReply | QmpLost> {
  const reply = await qemu.hmp(`qemu-io ${target} ${quoted(line)}`);
  if (isLost(reply)) return reply;
  const mark = `dirtysim-mark-${process.pid}-${++markers}`;
  const printed = await readUntil(qemu, target, `help ${mark}`, `command ${mark} not found`, 'stdout', timeoutMs);
  if (isLost(printed)) return printed;
  const complained = await readUntil(qemu, target, mark, `command "${mark}" not found`, 'stderr', timeoutMs);
  if (isLost(complained)) return complained;
  // A non-empty reply is an error QEMU reported through the monitor (unknown node, permission
  // conflict); the command then printed nothing.
  const monitorError = reply.replace(/\s+$/, '');
  if (monitorError !== '') return { ok: false, message: monitorError };
  return ioReply(printed + withoutQemuWarnings(complained));
}

/** QEMU's own stderr lines ("qemu-system-x86_64: warning: ...") belong to no qemu-io command. */
function withoutQemuWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^qemu-system-[\w-]+: /.test(l))
    .join('\n');
}

async function readUntil(
  qemu: QemuInstance,
  target: string,
  command: string,
  marker: string,
  stream: 'stdout' | 'stderr',
  timeoutMs: number,
): Promise<string | QmpLost> {
  const reply = await qemu.hmp(`qemu-io ${target} ${quoted(command)}`);
  if (isLost(reply)) return reply;
  // The target does not resolve, so nothing ran and nothing was printed.
  if (reply.trim() !== '') return '';
  return qemu.process[stream].takeThrough(marker, timeoutMs);
}
