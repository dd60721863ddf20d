/**
 * The simulator in a worker thread. The simulator runs synchronously inside each step, so an
 * infinite loop in it would block the event loop and runCase's deadline could never fire. In a
 * worker, the main thread's deadline still fires, terminate() ends the loop, and the case is a
 * `timeout` failure at the step that hung. One worker serves case after case (starting it costs
 * ~0.5 s once, a case's round trip well under a millisecond); after a hang it is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { Backend } from '../backends/backend.ts';
import { simBackend } from '../backends/sim.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import { resultBase, timeoutFailure, type CaseRun } from './run-case.ts';

export type ToWorker = { readonly id: number; readonly scenarioCase: ScenarioCase; readonly timeoutMs: number };
export type ToMain =
  | { readonly id: 0; readonly kind: 'ready' }
  | { readonly id: number; readonly kind: 'step'; readonly done: number }
  | { readonly id: number; readonly kind: 'done'; readonly run: CaseRun };

/** A backend that runs a whole case itself, under its own time limit. */
export interface WholeCaseBackend extends Backend {
  runWhole(c: ScenarioCase, timeoutMs: number): Promise<CaseRun>;
}

export function runsWholeCases(b: Backend): b is WholeCaseBackend {
  return typeof (b as Partial<WholeCaseBackend>).runWhole === 'function';
}

/**
 * The worker's own deadline (runCase's) answers async hangs with the exact step and the failures
 * so far; this margin lets it, and fires only when the worker's event loop is blocked.
 */
const WATCHDOG_MARGIN_MS = 500;

const SIM_WORKER = new URL('./sim-thread-worker.mjs', import.meta.url);

/**
 * The simulator backend, with whole cases run in a worker thread; sessions (open) stay
 * in-process. `entry` is the worker's script (tests give one whose simulator hangs).
 */
export function simThreadBackend(entry: URL = SIM_WORKER): WholeCaseBackend {
  const inProcess = simBackend();
  let worker: CaseWorker | undefined;
  return {
    ...inProcess,
    describe: simBackend('worker thread').describe,
    async runWhole(c, timeoutMs) {
      worker ??= new CaseWorker(entry);
      const started = performance.now();
      const outcome = await worker.run(c, timeoutMs + WATCHDOG_MARGIN_MS);
      if (outcome.kind === 'done') return outcome.run;
      void worker.terminate();
      worker = undefined;
      const base = { ...resultBase(c, inProcess.name), durationMs: performance.now() - started };
      if (outcome.kind === 'hung') {
        // Steps report when they finish; the first unfinished one hung (the case itself while opening).
        const span = c.steps[outcome.stepsDone]?.span ?? c.span;
        return { result: { ...base, status: 'failed', failures: [timeoutFailure(span, timeoutMs)] }, observed: [] };
      }
      return { result: { ...base, status: 'error', failures: [], error: { code: 'backend-error', message: `sim backend: ${outcome.reason}`, span: c.span } }, observed: [] };
    },
  };
}

type Outcome =
  | { readonly kind: 'done'; readonly run: CaseRun }
  | { readonly kind: 'hung'; readonly stepsDone: number }
  | { readonly kind: 'died'; readonly reason: string };

/** One worker thread, one case at a time. */
class CaseWorker {
  private readonly worker: Worker;
  private nextId = 0;
  /** Resolves when the worker serves cases (tsx and the simulator loaded), or when it died first. */
  private readonly ready: Promise<Outcome | undefined>;
  private settle: ((o: Outcome) => void) | undefined;
  private died: Outcome | undefined;

  constructor(entry: URL) {
    this.worker = new Worker(entry);
    // Idle, it must not keep the process alive; a pending case holds the watchdog timer anyway.
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      this.settle = resolve;
      this.worker.once('message', () => resolve(undefined));
    });
    const die = (reason: string) => {
      this.died ??= { kind: 'died', reason };
      this.settle?.(this.died);
    };
    this.worker.on('error', (e) => die(e.message));
    this.worker.on('exit', (code) => die(`the simulator's thread exited with code ${code}`));
  }

  async run(c: ScenarioCase, watchdogMs: number): Promise<Outcome> {
    // Start-up is not the case's time: the watchdog starts once the worker listens.
    const failedToStart = await this.ready;
    if (failedToStart !== undefined) return failedToStart;
    if (this.died !== undefined) return this.died;
    const id = ++this.nextId;
    let stepsDone = 0;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => finish({ kind: 'hung', stepsDone }), watchdogMs);
      const onMessage = (m: ToMain) => {
        if (m.id !== id) return;
        if (m.kind === 'step') stepsDone = m.done;
        else if (m.kind === 'done') finish({ kind: 'done', run: m.run });
      };
      const finish = (o: Outcome) => {
        clearTimeout(timer);
        this.worker.off('message', onMessage);
        this.settle = undefined;
        resolve(o);
      };
      this.settle = finish;
      this.worker.on('message', onMessage);
      this.worker.postMessage({ id, scenarioCase: c, timeoutMs: watchdogMs - WATCHDOG_MARGIN_MS } satisfies ToWorker);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
