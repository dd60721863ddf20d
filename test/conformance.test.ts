/**
 * Conformance: every scenario case under scenarios/ on the simulator and on the real QEMU, one
 * vitest test per case. A test fails with the text reporter's output when either backend misses
 * an expectation or breaks down, or when the two saw different values at an expectation that no
 * `divergence:` declares. A case the qemu backend cannot run (eligibility.ts) is skipped with the
 * reason. Without QEMU the suite is skipped with the install line, and under CI=true it fails.
 *
 * Cases run one after another (vitest runs a file's tests in order): each starts a QEMU, and
 * the machine has two cores.
 */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { formatCase } from '../reports/format-case.ts';
import { palette } from '../reports/reporter.ts';
import { qemuBackend } from '../runner/backends/qemu/index.ts';
import { describeWithQemu } from '../runner/backends/qemu/with-qemu.ts';
import { discoverScenarioFiles } from '../runner/cli/discover.ts';
import { runAll } from '../runner/execute/run.ts';
import { simThreadBackend } from '../runner/execute/sim-thread.ts';
import { loadScenarioFile } from '../runner/scenario/load.ts';

const ROOT = 'scenarios';
const TIMEOUT_MS = 15_000;
const plain = palette(false);
// The simulator in its worker thread, so that a simulator stuck in a loop times out too.
const backends = [simThreadBackend(), qemuBackend()];
// A file that does not load fails in test/scenarios.test.ts already; here it has no cases.
const cases = (existsSync(ROOT) ? discoverScenarioFiles([ROOT]).files : []).flatMap((f) => loadScenarioFile(f).cases);

describeWithQemu('conformance: simulator and QEMU agree on scenarios/', () => {
  if (cases.length === 0) it.skip(`no scenario cases under ${ROOT}/ yet`, () => {});
  for (const c of cases) {
    it(`${c.file} > ${c.name}`, async (ctx) => {
      const { summary } = await runAll([c], backends, [], { timeoutMs: TIMEOUT_MS, bail: false });
      const broken = summary.cases.filter((r) => r.status === 'failed' || r.status === 'error');
      if (broken.length > 0) expect.fail(broken.map((r) => formatCase(r, plain)).join(''));
      const qemu = summary.cases.find((r) => r.backend === 'qemu');
      if (qemu?.status === 'skipped') ctx.skip(qemu.skipReason);
    });
  }
});
