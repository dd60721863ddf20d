/**
 * Guest-visible data checks: a qemu-io line (normally `read -P`) that must succeed. qemu-io's own
 * message is the actual value; there is nothing to write back for `--update`.
 */
import type { BackendSession } from '../backends/backend.ts';
import type { IoCheck } from '../scenario/types.ts';
import type { CheckOutcome } from './outcome.ts';

export async function checkData(check: IoCheck, session: BackendSession): Promise<CheckOutcome> {
  const reply = await session.io(check.target, check.line);
  if (reply.ok) return { failures: [], observed: [] };
  const command = `${check.target} ${check.line}`;
  return {
    failures: [{
      code: 'data-mismatch',
      message: `${command}: ${reply.message}`,
      span: check.span,
      expected: `${command}: ok`,
      actual: `${command}: ${reply.message}`,
    }],
    observed: [],
  };
}
