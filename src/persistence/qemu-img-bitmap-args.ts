/**
 * The command line of `qemu-img bitmap` (qemu-img.c:img_bitmap; reference 5.5): options may come
 * in any order around FILE BITMAP (getopt permutes), the actions keep their command-line order,
 * and the usage errors are checked in qemu-img's order with its texts.
 */
import { parseSize, type Bytes } from '../size.ts';

export type BitmapAction =
  | { readonly op: 'add' | 'remove' | 'clear' | 'enable' | 'disable' }
  | { readonly op: 'merge'; readonly source: string };

export interface QemuImgBitmap {
  readonly filename: string;
  readonly bitmap: string;
  readonly actions: readonly BitmapAction[];
  readonly granularity: Bytes | undefined;
  readonly format: string | undefined;
  readonly sourceFile: string | undefined;
  readonly sourceFormat: string | undefined;
}

export type ParsedBitmapArgs = { readonly ok: true; readonly value: QemuImgBitmap } | { readonly ok: false; readonly message: string };

const SIMPLE = new Set(['add', 'remove', 'clear', 'enable', 'disable']);
const WITH_VALUE = new Set(['-b', '-f', '-F', '-g', '--merge']);

/** `args` are the words after `bitmap`. */
export function parseBitmapArgs(args: readonly string[]): ParsedBitmapArgs {
  const actions: BitmapAction[] = [];
  const positional: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i] ?? '';
    const long = word.startsWith('--') ? word.slice(2) : undefined;
    if (long !== undefined && SIMPLE.has(long)) actions.push({ op: long as 'add' });
    else if (WITH_VALUE.has(word)) {
      const value = args[++i];
      if (value === undefined) return fail(`option requires an argument -- '${word.replace(/^-+/, '')}'`);
      if (word === '--merge') actions.push({ op: 'merge', source: value });
      else values.set(word, value); // a repeated option: the last one wins, as getopt leaves it
    } else if (word.startsWith('-') && word !== '-') return fail(`unrecognized option '${word}'`);
    else positional.push(word);
  }
  let granularity: Bytes | undefined;
  const g = values.get('-g');
  if (g !== undefined) {
    const parsed = parseSize(g);
    if (!parsed.ok) return fail(`Invalid granularity specified! You may use k, M, G, T, P or E suffixes for kilobytes, megabytes, gigabytes, terabytes, petabytes and exabytes.`);
    granularity = parsed.value;
  }
  if (actions.length === 0) return fail('Need at least one of --add, --remove, --clear, --enable, --disable, or --merge');
  // qemu-img tests `granularity` for non-zero, so -g 0 counts as absent.
  if (granularity && !actions.some((a) => a.op === 'add')) return fail('granularity only supported with --add');
  if (values.has('-F') && !values.has('-b')) return fail('-F only supported with -b');
  if (values.has('-b') && !actions.some((a) => a.op === 'merge')) return fail('Merge bitmap source file only supported with --merge');
  const [filename, bitmap] = positional;
  if (positional.length !== 2 || filename === undefined || bitmap === undefined) return fail('Expecting filename and bitmap name');
  return {
    ok: true,
    value: {
      filename,
      bitmap,
      actions,
      granularity: granularity || undefined,
      format: values.get('-f'),
      sourceFile: values.get('-b'),
      sourceFormat: values.get('-F'),
    },
  };
}

function fail(message: string): ParsedBitmapArgs {
  return { ok: false, message };
}
