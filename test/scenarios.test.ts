/**
 * Every scenario under scenarios/ as vitest tests, one per case on the simulator, failing with
 * the text the text reporter prints, so `npm test` runs the library along with the unit tests.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCase } from '../reports/format-case.ts';
import { palette } from '../reports/reporter.ts';
import { simBackend } from '../runner/backends/sim.ts';
import { discoverScenarioFiles } from '../runner/cli/discover.ts';
import { runCase } from '../runner/execute/run-case.ts';
import { formatDiagnostics } from '../runner/scenario/format.ts';
import { loadScenarioFile } from '../runner/scenario/load.ts';

const ROOT = 'scenarios';
const TIMEOUT_MS = 15_000;
const files = existsSync(ROOT) ? discoverScenarioFiles([ROOT]).files : [];
const plain = palette(false);

if (files.length === 0) it.skip(`no scenario files under ${ROOT}/ yet`, () => {});

for (const file of files) {
  const loaded = loadScenarioFile(file);
  describe(file, () => {
    if (loaded.diagnostics.length > 0) {
      it('loads', () => expect.fail(formatDiagnostics(loaded.diagnostics)));
    }
    for (const c of loaded.cases) {
      it(c.name, async (ctx) => {
        const { result } = await runCase(c, simBackend(), TIMEOUT_MS);
        if (result.status === 'skipped') ctx.skip(result.skipReason);
        if (result.status === 'failed' || result.status === 'error') expect.fail(formatCase(result, plain));
      });
    }
  });
}
