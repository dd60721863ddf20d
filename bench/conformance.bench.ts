/**
 * The simulator against the real QEMU over the scenario library: every case both backends can
 * run, through the same executor (runCase), side by side. QEMU runs each case once (a process
 * start dominates and hardly varies); the simulator repeats each case until SIM_BUDGET_MS have
 * passed, so its per-run time is stable. Goal: the simulator at least 200x faster in total.
 */
import { existsSync } from 'node:fs';
import type { Backend } from '../runner/backends/backend.ts';
import { detectQemu, qemuBackend } from '../runner/backends/qemu/index.ts';
import { simBackend } from '../runner/backends/sim.ts';
import { discoverScenarioFiles } from '../runner/cli/discover.ts';
import { ineligibility } from '../runner/execute/eligibility.ts';
import { runCase } from '../runner/execute/run-case.ts';
import { loadScenarioFile } from '../runner/scenario/load.ts';
import type { ScenarioCase } from '../runner/scenario/types.ts';
import { resultLine } from './report.ts';

const ROOT = 'scenarios';
const GOAL = 200;
const TIMEOUT_MS = 15_000;
/** Simulator time spent per case; at least SIM_MIN_REPS runs whatever it costs. */
const SIM_BUDGET_MS = 100;
const SIM_MIN_REPS = 5;

export const title = `Simulator vs real QEMU over ${ROOT}/ (goal: simulator >= ${GOAL}x faster in total)`;

export async function run(): Promise<boolean> {
  const found = await detectQemu();
  if (!found.installed) {
    console.log(`cannot compare: ${found.reason}`);
    return false;
  }
  const files = existsSync(ROOT) ? discoverScenarioFiles([ROOT]).files : [];
  const cases = files.flatMap((f) => loadScenarioFile(f).cases).filter((c) => ineligibility(c, 'qemu') === undefined);
  const sim = simBackend();
  const qemu = qemuBackend();
  // Warm-up: the simulator's code paths compiled, the QEMU binary and libraries in the page cache.
  for (const c of cases) await runCase(c, sim, TIMEOUT_MS);
  if (cases[0] !== undefined) await runCase(cases[0], qemu, TIMEOUT_MS);

  console.log(`${found.description}, ${cases.length} eligible case(s)`);
  console.log(`${'case'.padEnd(72)} ${'sim'.padStart(10)} ${'qemu'.padStart(10)} ${'ratio'.padStart(8)}`);
  let simTotal = 0;
  let qemuTotal = 0;
  for (const c of cases) {
    const q = await once(c, qemu);
    const s = await perRun(c, sim);
    simTotal += s;
    qemuTotal += q.ms;
    const note = q.status === 'passed' ? '' : `  (qemu: ${q.status})`;
    console.log(`${label(c).padEnd(72)} ${ms(s).padStart(10)} ${ms(q.ms).padStart(10)} ${`${(q.ms / s).toFixed(0)}x`.padStart(8)}${note}`);
  }
  const ratio = qemuTotal / simTotal;
  const pass = ratio >= GOAL;
  console.log(resultLine('total, sim vs qemu', `${ms(simTotal)} vs ${ms(qemuTotal)} = ${ratio.toFixed(0)}x`, `>= ${GOAL}x`, pass));
  return pass;
}

async function once(c: ScenarioCase, backend: Backend): Promise<{ ms: number; status: string }> {
  const t0 = performance.now();
  const { result } = await runCase(c, backend, TIMEOUT_MS);
  return { ms: performance.now() - t0, status: result.status };
}

/** Mean milliseconds per run over at least SIM_MIN_REPS runs and SIM_BUDGET_MS. */
async function perRun(c: ScenarioCase, backend: Backend): Promise<number> {
  const t0 = performance.now();
  let reps = 0;
  while (reps < SIM_MIN_REPS || performance.now() - t0 < SIM_BUDGET_MS) {
    await runCase(c, backend, TIMEOUT_MS);
    reps++;
  }
  return (performance.now() - t0) / reps;
}

function label(c: ScenarioCase): string {
  const l = `${c.file.replace(`${ROOT}/`, '')} > ${c.name}`;
  return l.length > 72 ? `${l.slice(0, 69)}...` : l;
}

const ms = (v: number) => (v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(3)} ms`);
