/**
 * qemu-io command lines (`write -P 0x11 64K 4K`, `write -z -u 0 64K`, `write -c 0 64K`,
 * `discard 0 64K`, `read -P 0x11 0 4K`) executed on a BlockBackend or a node, returning what
 * qemu-io would report instead of printing it. Error texts probed with qemu-io 7.2, e.g.
 * `qemu-io -f raw -c "write 1x 4k" img`.
 */
import { mergeRuns, type Run } from '../data/extent-map.ts';
import type { Machine } from '../machine.ts';
import { parseSize } from '../size.ts';
import { blkModify, blkRead, type BlkTarget } from './blk.ts';
import { ERRNO_TEXT, flags as makeFlags, type IoResult, type ModifyKind, type RequestFlag } from './request.ts';

/**
 * What qemu-io reports. A failed `read -P` also carries what the range held instead: the runs
 * the read saw, in order and covering the whole range (qemu-io prints only the range; this is
 * what `read -v` would dump, so a failure can show the actual data).
 */
export type QemuIoResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly message: string; readonly holds?: readonly Run[] };

interface Command {
  readonly name: 'write' | 'read' | 'discard';
  /** getopt letters; a letter followed by ':' takes an argument. */
  readonly optstring: string;
  readonly usage: string;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  write: {
    name: 'write',
    optstring: 'bcCfnqP:uz',
    usage: 'write [-bcCfnquz] [-P pattern | -s source_file] off len -- writes a number of bytes at a specified offset',
  },
  read: { name: 'read', optstring: 'bCqvP:', usage: 'read [-abCqv] [-P pattern [-s off] [-l len]] off len -- reads a number of bytes at a specified offset' },
  discard: { name: 'discard', optstring: 'Cq', usage: 'discard [-Cq] off len -- discards a number of bytes at a specified offset' },
};

const fail = (message: string): QemuIoResult => ({ ok: false, message });
const OK: QemuIoResult = { ok: true };

export function qemuIo(machine: Machine, target: BlkTarget, line: string): QemuIoResult {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const name = words[0] ?? '';
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) return fail(`command "${name}" not found`);
  const parsed = getopt(command, words.slice(1));
  if (typeof parsed === 'string') return fail(parsed);
  const { opts, args } = parsed;
  if (args.length < 2) return fail(`bad argument count ${args.length} to ${name}, expected at least 2 arguments`);
  if (args.length > 2) return fail(command.usage);
  // HMP qemu-io on a node gives it a BlockBackend with no permissions and asks for WRITE before
  // a write or discard runs (qemu-io-cmds.c:command); a read-only node refuses (probed on 7.2).
  // Deviation: when a used overlay holds the node as backing, QEMU reports that overlay's
  // permission conflict instead; the sim does not model permissions.
  if (command.name !== 'read' && !('owner' in target) && target.readOnly) return fail('Block node is read-only');
  const offset = cvtnum(args[0] ?? '');
  if (typeof offset === 'string') return fail(offset);
  const bytes = cvtnum(args[1] ?? '');
  if (typeof bytes === 'string') return fail(bytes);
  const pattern = opts.has('P') ? parsePattern(opts.get('P') ?? '') : undefined;
  if (typeof pattern === 'string') return fail(pattern);
  switch (command.name) {
    case 'read':
      return read(machine, target, offset, bytes, pattern);
    case 'discard':
      return report('discard', blkModify(machine, target, { kind: 'discard', offset, bytes, flags: makeFlags() }));
    case 'write':
      return write(machine, target, offset, bytes, pattern, opts);
  }
}

function write(machine: Machine, target: BlkTarget, offset: number, bytes: number, pattern: number | undefined, opts: Map<string, string>): QemuIoResult {
  const zero = opts.has('z');
  if (zero && pattern !== undefined) return fail('Only one of -z, -P, and -s can be specified at the same time');
  if (opts.has('u') && !zero) return fail('-u requires -z to be specified');
  if (opts.has('n') && !zero) return fail('-n requires -z to be specified');
  const flagList: RequestFlag[] = [];
  if (opts.has('f')) flagList.push('BDRV_REQ_FUA');
  if (opts.has('c')) flagList.push('BDRV_REQ_WRITE_COMPRESSED');
  if (opts.has('u')) flagList.push('BDRV_REQ_MAY_UNMAP');
  if (opts.has('n')) flagList.push('BDRV_REQ_NO_FALLBACK');
  if (zero) flagList.push('BDRV_REQ_ZERO_WRITE');
  const flags = makeFlags(...flagList);
  // A zero write wins over -c: block/io.c handles BDRV_REQ_ZERO_WRITE before compression.
  const kind: ModifyKind = zero ? 'write-zeroes' : opts.has('c') ? 'write-compressed' : 'write';
  const data = [{ start: offset, end: offset + bytes, byte: pattern ?? 0xcd }];
  const request = kind === 'write-zeroes' ? { kind, offset, bytes, flags } : { kind, offset, bytes, flags, data };
  return report('write', blkModify(machine, target, request));
}

function read(machine: Machine, target: BlkTarget, offset: number, bytes: number, pattern: number | undefined): QemuIoResult {
  const r = blkRead(machine, target, offset, bytes, makeFlags());
  if (!r.ok) return report('read', r);
  // qemu-io reports the request's offset and length, not where the first mismatch is.
  if (pattern !== undefined && r.value.some((run) => run.byte !== pattern)) {
    return { ok: false, message: `Pattern verification failed at offset ${offset}, ${bytes} bytes`, holds: mergeRuns(r.value) };
  }
  return OK;
}

function report(name: string, r: IoResult<unknown>): QemuIoResult {
  return r.ok ? OK : fail(`${name} failed: ${ERRNO_TEXT[r.errno]}`);
}

/** POSIX getopt over the words before the first operand, as qemu-io's commands use it. */
function getopt(command: Command, words: readonly string[]): { opts: Map<string, string>; args: string[] } | string {
  const opts = new Map<string, string>();
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '--') {
      i++;
      break;
    }
    if (!w.startsWith('-') || w === '-') break;
    for (let j = 1; j < w.length; j++) {
      const ch = w[j] ?? '';
      const at = command.optstring.indexOf(ch);
      if (at < 0 || ch === ':') return `${command.name}: invalid option -- '${ch}'\n${command.usage}`;
      if (command.optstring[at + 1] !== ':') {
        opts.set(ch, '');
        continue;
      }
      const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
      if (value === undefined) return `${command.name}: option requires an argument -- '${ch}'\n${command.usage}`;
      opts.set(ch, value);
      break;
    }
  }
  return { opts, args: words.slice(i) };
}

const NUMERIC = /^(?:0x[0-9a-f]+|\d+(?:\.\d+)?[bkmgtpe]?)$/i;

/**
 * qemu-io's cvtnum (qemu_strtosz). A well-formed number too large for the sim is still a number
 * to qemu-io, and fails later as out of range; the sim maps it past any device end.
 */
function cvtnum(text: string): number | string {
  const r = parseSize(text);
  if (r.ok) return r.value;
  if (NUMERIC.test(text) && !/^\d+\.\d+$/.test(text)) return Number.MAX_SAFE_INTEGER;
  return `Parsing error: non-numeric argument, or extraneous/unrecognized suffix -- ${text}`;
}

/** qemu-io's parse_pattern: qemu_strtol base 0 (hex, octal or decimal), 0..0xff. */
function parsePattern(text: string): number | string {
  const m = /^(?:0x([0-9a-f]+)|(0[0-7]*)|([1-9]\d*))$/i.exec(text);
  const value = m === null ? NaN : m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]);
  return Number.isInteger(value) && value >= 0 && value <= 0xff ? value : `${text} is not a valid pattern byte`;
}
