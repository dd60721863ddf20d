import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatCase } from '../../reports/format-case.ts';
import { palette } from '../../reports/reporter.ts';
import type { Backend } from '../backends/backend.ts';
import { simBackend } from '../backends/sim.ts';
import { loadScenarioFile, loadScenarioText } from '../scenario/load.ts';
import type { ScenarioCase } from '../scenario/types.ts';
import { runAll } from './run.ts';

const DIR = 'test/fixtures/divergence';

/** The simulator posing as QEMU, except that it reports every bitmap's count doubled. */
function doublingQemu(): Backend {
  const sim = simBackend();
  return {
    name: 'qemu',
    describe: async () => 'stand-in QEMU',
    async open(setup) {
      const s = await sim.open(setup);
      return { ...s, observe: async () => (await s.observe()).map((n) => ({ ...n, bitmaps: n.bitmaps.map((b) => ({ ...b, count: b.count * 2 })) })) };
    },
  };
}

function only(file: string): ScenarioCase {
  const [c, ...rest] = loadScenarioFile(`${DIR}/${file}`).cases;
  if (c === undefined || rest.length > 0) throw new Error(`${file}: expected one case`);
  return c;
}

async function run(c: ScenarioCase, backends: Backend[]) {
  return (await runAll([c], backends, [], { timeoutMs: 5000, bail: false })).summary;
}

describe('divergence', () => {
  it('a declared difference passes on both backends and shows as a known divergence with both values', async () => {
    const summary = await run(only('declared.yaml'), [simBackend(), doublingQemu()]);
    const [sim, qemu] = summary.cases;
    expect([sim?.status, qemu?.status, summary.failed]).toEqual(['passed', 'passed', 0]);
    expect(qemu?.knownDivergences?.map((k) => [k.reason, k.failure.code, k.failure.span.line, k.failure.expected, k.failure.actual])).toEqual([
      ['the stand-in QEMU counts every dirty byte twice', 'backend-disagreement', 18, 'sim: 64K', 'qemu: 128K'],
    ]);
    const text = formatCase(qemu!, palette(false));
    expect(text).toMatch(/^PASS .*@qemu\n  known divergence: the stand-in QEMU counts every dirty byte twice\n/);
    expect(text).toContain('-sim: 64K');
    expect(JSON.stringify(summary)).toContain('"knownDivergences"');
  });

  it('an undeclared difference fails with the disagreement and the mismatch', async () => {
    const summary = await run(only('undeclared.yaml'), [simBackend(), doublingQemu()]);
    const qemu = summary.cases[1];
    expect(qemu?.status).toBe('failed');
    expect(qemu?.failures.map((f) => [f.code, f.span.line])).toEqual([['bitmap-mismatch', 15], ['backend-disagreement', 15]]);
    expect(qemu?.knownDivergences).toBeUndefined();
  });

  it('a divergence limited to other expectations does not excuse this one', async () => {
    const text = readFileSync(`${DIR}/declared.yaml`, 'utf8').replace('only: [top/b0.count]', 'only: [top/b0.dirty]');
    const c = loadScenarioText(`${DIR}/declared.yaml`, text).cases[0]!;
    const qemu = (await run(c, [simBackend(), doublingQemu()])).cases[1];
    expect(qemu?.failures.map((f) => f.code)).toEqual(['bitmap-mismatch', 'backend-disagreement']);
  });

  it('on the qemu backend alone, its mismatch at a covered expectation is the known divergence', async () => {
    const [qemu] = (await run(only('declared.yaml'), [doublingQemu()])).cases;
    expect(qemu?.status).toBe('passed');
    expect(qemu?.knownDivergences?.map((k) => k.failure.code)).toEqual(['bitmap-mismatch']);
  });

  it('never excuses the simulator: the expectations are the model', async () => {
    const [sim] = (await run(only('declared.yaml'), [{ ...doublingQemu(), name: 'sim' }])).cases;
    expect(sim?.status).toBe('failed');
  });
});
