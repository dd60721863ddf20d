/**
 * The worker side of sim-thread.ts: runs each case it is sent on the given backend and reports
 * every finished step first, so that if a later step never returns the main thread knows which
 * one hung.
 */
import { parentPort } from 'node:worker_threads';
import type { Backend } from '../backends/backend.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import { runCase } from './run-case.ts';
import type { ToMain, ToWorker } from './sim-thread.ts';

export function serveCases(backend: Backend): void {
  const port = parentPort;
  if (port === null) throw new Error('serveCases runs only in a worker thread');
  const send = (msg: ToMain) => port.postMessage(msg);
  const run = async (id: number, c: ScenarioCase, timeoutMs: number) => {
    let steps = 0;
    // runCase's after-step hook, used only to report progress (nothing is observed).
    const progress = { snapshots: [], after: async () => send({ id, kind: 'step', done: ++steps }) };
    send({ id, kind: 'done', run: await runCase(c, backend, timeoutMs, progress) });
  };
  port.on('message', (m: ToWorker) => void run(m.id, m.scenarioCase, m.timeoutMs));
  send({ id: 0, kind: 'ready' });
}
