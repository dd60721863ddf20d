/**
 * Guest I/O through HMP `qemu-io` on a target guest-devices.ts spells (a device's BlockBackend
 * or a node name). HMP qemu-io runs synchronously, but prints on QEMU's stdout and stderr, not
 * in the reply. Marker commands around it delimit exactly that command's output: `help MARK`
 * prints "command MARK not found" on stdout, an unknown command `MARK` prints on stderr. Markers
 * go before the command as well as after it, because QEMU prints on the same stdout for other
 * reasons between two I/O steps: drive-backup, drive-mirror and blockdev-snapshot-sync creating
 * an image print "Formatting '…', fmt=…" there (block.c:bdrv_img_create), and that text must not
 * be taken for the next command's output. A `read -P` mismatch is followed by a `read -v` of the
 * range, so the failure can say what the range holds (read-dump.ts).
 */
import { DATA_SHOW_LIMIT, type DataHolding, type IoReply } from '../backend.ts';
import type { OutputBuffer } from './output-buffer.ts';
import { isLost, type QmpLost } from './qmp-client.ts';
import { ioReply } from './qemu-io-output.ts';
import { parseDump, patternMismatch, type ByteRange } from './read-dump.ts';

/** What guest I/O needs of a QEMU instance: HMP, and the stdout and stderr it prints on. */
export interface HmpConsole {
  hmp(commandLine: string): Promise<string | QmpLost>;
  readonly process: { readonly stdout: Pick<OutputBuffer, 'takeThrough'>; readonly stderr: Pick<OutputBuffer, 'takeThrough'> };
}

/** One command's output on both streams. */
interface Printed {
  readonly stdout: string;
  readonly stderr: string;
}

let markers = 0;

/** HMP reads a quoted argument with backslash escapes. */
function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export async function guestIo(qemu: HmpConsole, target: string, line: string, timeoutMs: number): Promise<IoReply | QmpLost> {
  const printed = await printedBy(qemu, target, line, timeoutMs);
  if (isLost(printed)) return printed;
  const reply = typeof printed === 'string' ? ioReply(printed) : printed;
  const mismatch = reply.ok ? undefined : patternMismatch(reply.message);
  if (reply.ok || mismatch === undefined) return reply;
  const holds = await readBack(qemu, target, mismatch, timeoutMs);
  if (isLost(holds)) return holds;
  return holds === undefined ? reply : { ...reply, holds };
}

/** What a mismatching range holds, read again with `read -v` (read-dump.ts), up to the limit. */
async function readBack(qemu: HmpConsole, target: string, range: ByteRange, timeoutMs: number): Promise<DataHolding | undefined | QmpLost> {
  if (range.length > DATA_SHOW_LIMIT) return 'too-large';
  const printed = await printedBy(qemu, target, `read -v ${range.offset} ${range.length}`, timeoutMs);
  if (isLost(printed)) return printed;
  return typeof printed === 'string' ? parseDump(printed, range) : undefined;
}

/** What one qemu-io command printed, or the error the monitor gave instead of running it. */
async function printedBy(qemu: HmpConsole, target: string, line: string, timeoutMs: number): Promise<string | IoReply | QmpLost> {
  // Whatever was printed before this point belongs to earlier commands: drop it.
  const before = await printedUntilMarks(qemu, target, timeoutMs);
  if (isLost(before)) return before;
  const reply = await qemu.hmp(`qemu-io ${target} ${quoted(line)}`);
  if (isLost(reply)) return reply;
  const printed = await printedUntilMarks(qemu, target, timeoutMs);
  if (isLost(printed)) return printed;
  // A non-empty reply is an error QEMU reported through the monitor (unknown node, permission
  // conflict); the command then printed nothing.
  const monitorError = reply.replace(/\s+$/, '');
  if (monitorError !== '') return { ok: false, message: monitorError };
  return printed.stdout + withoutQemuWarnings(printed.stderr);
}

/** Prints a fresh marker on each stream and returns what came before it. */
async function printedUntilMarks(qemu: HmpConsole, target: string, timeoutMs: number): Promise<Printed | QmpLost> {
  const mark = `dirtysim-mark-${process.pid}-${++markers}`;
  const stdout = await readUntil(qemu, target, `help ${mark}`, `command ${mark} not found`, 'stdout', timeoutMs);
  if (isLost(stdout)) return stdout;
  const stderr = await readUntil(qemu, target, mark, `command "${mark}" not found`, 'stderr', timeoutMs);
  if (isLost(stderr)) return stderr;
  return { stdout, stderr };
}

/** QEMU's own stderr lines ("qemu-system-x86_64: warning: ...") belong to no qemu-io command. */
function withoutQemuWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !/^qemu-system-[\w-]+: /.test(l))
    .join('\n');
}

async function readUntil(
  qemu: HmpConsole,
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
