/** `nodes: { top: true, mid: false }`: whether a node-name exists in the graph. */
import type { NodeObservation } from '../backends/backend.ts';
import type { NodeExpectation } from '../scenario/types.ts';
import type { CheckOutcome } from './outcome.ts';

export function checkNode(exp: NodeExpectation, nodes: readonly NodeObservation[]): CheckOutcome {
  const exists = nodes.some((n) => n.nodeName === exp.node);
  const holds = exists === exp.exists.value;
  const observed = [{ span: exp.exists.span, text: String(exists), holds }];
  if (holds) return { failures: [], observed };
  const say = (e: boolean) => `node ${exp.node}: ${e ? 'exists' : 'absent'}`;
  return {
    failures: [{
      code: 'node-mismatch',
      message: `node ${exp.node} ${exists ? 'exists but should not' : 'does not exist'}`,
      span: exp.exists.span,
      expected: say(exp.exists.value),
      actual: say(exists),
    }],
    observed,
  };
}
