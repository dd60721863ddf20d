/**
 * Guest-visible data checks: a qemu-io line (normally `read -P`) that must succeed. qemu-io's own
 * message is the actual value; there is nothing to write back for `--update`. A failed `read -P`
 * also shows what the range held, one run per line, against the one run the pattern asks for:
 *
 *   expected  vda read -P 0x11 200K 4K: ok          actual  vda read -P 0x11 200K 4K: Pattern verification failed ...
 *               0x11 at 200K+4K                               0xaa at 200K+2K
 *                                                             0x11 at 202K+2K
 */
import { formatSize } from '../../src/size.ts';
import { DATA_SHOW_LIMIT, type BackendSession, type DataHolding, type DataRun } from '../backends/backend.ts';
import { parseIoLine } from '../scenario/qemu-io.ts';
import type { IoCheck } from '../scenario/types.ts';
import type { CheckOutcome } from './outcome.ts';

/** Runs shown before the rest is summed up: a range of scattered bytes must not flood the report. */
const MAX_RUNS_SHOWN = 16;

export async function checkData(check: IoCheck, session: BackendSession): Promise<CheckOutcome> {
  const reply = await session.io(check.target, check.line);
  if (reply.ok) return { failures: [], observed: [] };
  const command = `${check.target} ${check.line}`;
  const io = parseIoLine(check.line);
  const asked = io.ok && io.value.pattern !== undefined && reply.holds !== undefined
    ? [{ offset: io.value.offset, length: io.value.length, byte: io.value.pattern }]
    : undefined;
  const held = reply.holds === undefined ? [] : holdingLines(reply.holds);
  return {
    failures: [{
      code: 'data-mismatch',
      message: `${command}: ${reply.message}${held.length > 0 ? `; holds ${held.join(', ')}` : ''}`,
      span: check.span,
      expected: [`${command}: ok`, ...(asked ?? []).map((r) => `  ${runText(r)}`)].join('\n'),
      actual: [`${command}: ${reply.message}`, ...held.map((l) => `  ${l}`)].join('\n'),
    }],
    observed: [],
  };
}

/** "0xaa at 200K+2K" per run, or why the range is not shown. */
function holdingLines(holds: DataHolding): string[] {
  if (holds === 'too-large') return [`(more than ${formatSize(DATA_SHOW_LIMIT)}: too large to show)`];
  const shown = holds.slice(0, MAX_RUNS_SHOWN).map(runText);
  const rest = holds.length - shown.length;
  return rest > 0 ? [...shown, `(${rest} more runs)`] : shown;
}

function runText(run: DataRun): string {
  return `0x${run.byte.toString(16).padStart(2, '0')} at ${formatSize(run.offset)}+${formatSize(run.length)}`;
}
