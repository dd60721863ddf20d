/**
 * Static checks of qemu-io command lines (qemu-io-cmds.c): the commands scenarios use, their
 * flags, and offset/length parsed as qemu-io's cvtnum does (qemu_strtosz), so a typo is caught
 * at load time and the byte range can be checked against the node's size.
 */
import { formatSize, parseSize, type Bytes } from '../../src/size.ts';

export interface IoCommand {
  readonly command: 'read' | 'write' | 'discard';
  readonly offset: Bytes;
  readonly length: Bytes;
  /** The `-P` byte, when given. */
  readonly pattern?: number;
}

export type IoParse = { readonly ok: true; readonly value: IoCommand } | { readonly ok: false; readonly reason: string };

/** Flags per command; a flag in `withValue` takes the next word. Aliases as qemu-io has them. */
const COMMANDS = {
  read: { flags: 'bCqvlsP', withValue: 'Pls' },
  write: { flags: 'bcCfnquzP', withValue: 'P' },
  discard: { flags: 'Cq', withValue: '' },
} as const;
const ALIASES: Readonly<Record<string, keyof typeof COMMANDS>> = { r: 'read', w: 'write', d: 'discard' };

export function parseIoLine(line: string): IoParse {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  const name = words[0] ?? '';
  const command = Object.hasOwn(COMMANDS, name) ? (name as keyof typeof COMMANDS) : ALIASES[name];
  if (command === undefined) return fail(`unknown qemu-io command '${name}' (expected read, write or discard)`);
  const spec = COMMANDS[command];
  const args: string[] = [];
  const flags = new Set<string>();
  let pattern: number | undefined;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] ?? '';
    if (!w.startsWith('-') || args.length > 0) {
      args.push(w);
      continue;
    }
    for (const f of w.slice(1)) {
      if (!spec.flags.includes(f)) return fail(`${command}: unknown option -${f}`);
      flags.add(f);
      if (spec.withValue.includes(f)) {
        const v = words[++i];
        if (v === undefined) return fail(`${command}: option -${f} needs a value`);
        if (f === 'P') {
          pattern = patternByte(v);
          if (pattern === undefined) return fail(`${command}: bad pattern '${v}' (expected a byte, e.g. 0x11)`);
        }
      }
    }
  }
  if (flags.has('z') && flags.has('P')) return fail('write: -z and -P cannot be combined');
  if (args.length !== 2) return fail(`${command} takes an offset and a length, got ${args.length} argument(s)`);
  const [offset, length] = args.map((a) => parseSize(a));
  if (!offset?.ok) return fail(`${command}: bad offset '${args[0]}'`);
  if (!length?.ok) return fail(`${command}: bad length '${args[1]}'`);
  const value = { command, offset: offset.value, length: length.value };
  return { ok: true, value: pattern === undefined ? value : { ...value, pattern } };
}

function patternByte(v: string): number | undefined {
  const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return n >= 0 && n <= 255 ? n : undefined;
}

function fail(reason: string): IoParse {
  return { ok: false, reason };
}

/** `vda write -P 0x11 200K 4K` -> target and the qemu-io line. */
export function splitTarget(text: string): { readonly target: string; readonly line: string } {
  const m = /^\s*(\S+)\s*(.*)$/s.exec(text);
  return { target: m?.[1] ?? '', line: (m?.[2] ?? '').trim() };
}

/** The io-out-of-range message, or undefined when [offset, offset+length) fits in `size`. */
export function rangeProblem(io: IoCommand, target: string, size: Bytes): string | undefined {
  if (io.offset + io.length <= size) return undefined;
  return `${io.command} ${formatSize(io.offset)}+${formatSize(io.length)} ends past the end of '${target}' (${formatSize(size)})`;
}
