/**
 * What qemu-io printed for one command line, turned into an IoReply. qemu-io reports success as a
 * "wrote/read/discard N/N bytes at offset O" line plus a timing line, and failure as text such as
 * "write failed: Input/output error" or "Pattern verification failed at offset 0, 4096 bytes"
 * (qemu-io-cmds.c). Everything that is not a success or timing line is the failure message,
 * exactly as printed, so messages QEMU adds later are not lost to a list of known errors.
 */
import type { IoReply } from '../backend.ts';

const REPORT = /^(wrote|read|discard|written|discarded) \d+\/\d+ bytes at offset \d+$/;
const TIMING = /^[\d.]+ (bytes|KiB|MiB|GiB|TiB|PiB|EiB), \d+ ops; /;
/** `read -v` dumps the data it read: "00000000:  cd cd ...". */
const DUMP = /^[0-9a-f]{8}: {2}/;

export function ioReply(printed: string): IoReply {
  const problems = printed
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !REPORT.test(line) && !TIMING.test(line) && !DUMP.test(line));
  return problems.length === 0 ? { ok: true } : { ok: false, message: problems.join('\n') };
}
