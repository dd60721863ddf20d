/**
 * Stored-bitmap-directory expectations: an image file's qcow2 bitmaps, compared whole and in
 * directory order against what `qemu-img info -U --output=json` (or the simulator's image) lists.
 * One line per entry, so the diff shows exactly the entries that differ.
 */
import { formatSize } from '../../src/size.ts';
import type { StoredBitmapInfo } from '../backends/backend.ts';
import type { Failure } from '../result.ts';
import type { ImageExpectation } from '../scenario/types.ts';
import type { CheckOutcome } from './outcome.ts';

/** The YAML flow text of a directory, e.g. `[{ name: b1, granularity: 64K, flags: [auto] }]`. */
function renderDirectory(entries: readonly StoredBitmapInfo[] | undefined): string {
  if (entries === undefined) return 'no such image';
  return `[${entries.map((e) => `{ name: ${e.name}, granularity: ${formatSize(e.granularity)}, flags: [${e.flags.join(', ')}] }`).join(', ')}]`;
}

function lines(file: string, entries: readonly StoredBitmapInfo[] | undefined): string {
  if (entries === undefined) return `${file}: no such image`;
  return [`${file}:`, ...entries.map((e) => `  - ${e.name} granularity=${formatSize(e.granularity)} flags=[${e.flags.join(',')}]`)].join('\n');
}

export function checkImage(exp: ImageExpectation, actual: readonly StoredBitmapInfo[] | undefined): CheckOutcome {
  const want = lines(exp.file, exp.expected);
  const got = lines(exp.file, actual);
  const holds = want === got;
  const observed = [{ span: exp.span, text: actual === undefined ? null : renderDirectory(actual), holds }];
  if (holds) return { failures: [], observed };
  const failure: Failure = {
    code: 'image-mismatch',
    message: `image ${exp.file}: stored bitmaps differ`,
    span: exp.span,
    expected: want,
    actual: got,
  };
  return { failures: [failure], observed };
}
