/** `dirtysim run`: select, run on the chosen backends, report, and with --update rewrite. */
import { reporterNames } from '../../reports/index.ts';
import { runAll } from '../execute/run.ts';
import type { RunSummary } from '../result.ts';
import { updateFromRun } from './update-command.ts';
import type { CliIo } from './io.ts';
import { describeInvalid, loadAll } from './load-all.ts';
import { parseGrep, parseReporterSpec, parseShard, parseTimeout, type Parsed, type ReporterSpec } from './options.ts';
import { selectCases, type Selection } from './select.ts';
import { openOutputs } from './sinks.ts';

export interface RunFlags {
  readonly tag: readonly string[];
  readonly grep?: string;
  readonly reporter: readonly string[];
  readonly shard?: string;
  readonly bail: boolean;
  readonly timeout: string;
  readonly backend: string;
  readonly list: boolean;
  readonly update: boolean;
}

export const DEFAULT_PATHS = ['scenarios'];

export async function runCommand(paths: readonly string[], flags: RunFlags, io: CliIo): Promise<number> {
  const usage = (reason: string) => (io.stderr(`dirtysim: ${reason}\n`), 2);
  const specs = all((flags.reporter.length > 0 ? flags.reporter : ['text']).map((s) => parseReporterSpec(s, reporterNames())));
  if (!specs.ok) return usage(specs.reason);
  const selection = parseSelection(flags);
  if (!selection.ok) return usage(selection.reason);
  const timeout = parseTimeout(flags.timeout);
  if (!timeout.ok) return usage(timeout.reason);
  if (flags.update && io.env['CI'] === 'true') {
    return usage('--update refuses to write under CI=true: expectations are updated by a person, and reviewed');
  }
  const loaded = loadAll(paths.length > 0 ? paths : DEFAULT_PATHS);
  if (loaded.missing.length > 0) return usage(`no such file or directory: ${loaded.missing.join(', ')}`);
  const cases = selectCases(loaded.cases, selection.value);
  if (flags.list) {
    for (const c of cases) io.stdout(`${c.file}#${c.name}\n`);
    io.stderr(describeInvalid(loaded));
    return loaded.invalidFiles.length > 0 ? 2 : 0;
  }
  const backends = await io.resolveBackends(flags.backend);
  if (!backends.ok) return usage(backends.reason);
  const outputs = openOutputs(specs.value, io);
  const describe = await Promise.all(backends.backends.map((b) => b.describe()));
  for (const r of outputs.reporters) r.onRunStart?.({ caseCount: cases.length * backends.backends.length, backends: describe });
  const run = await runAll(cases, backends.backends, loaded.invalidFiles, {
    timeoutMs: timeout.value,
    bail: flags.bail,
    onCaseEnd: (result) => outputs.reporters.forEach((r) => r.onCaseEnd?.(result)),
  });
  for (const r of outputs.reporters) r.onRunEnd?.(run.summary);
  for (const p of outputs.flush()) io.stderr(`dirtysim: ${p}\n`);
  if (loaded.invalidFiles.length > 0) return 2;
  if (flags.update) return updateFromRun(run, io);
  return exitCode(run.summary);
}

export function exitCode(s: RunSummary): number {
  if (s.invalidFiles.length > 0) return 2;
  return s.failed + s.errors > 0 ? 1 : 0;
}

function parseSelection(flags: RunFlags): Parsed<Selection> {
  const grep = flags.grep === undefined ? undefined : parseGrep(flags.grep);
  if (grep !== undefined && !grep.ok) return grep;
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  if (shard !== undefined && !shard.ok) return shard;
  return {
    ok: true,
    value: { tags: flags.tag, ...(grep === undefined ? {} : { grep: grep.value }), ...(shard === undefined ? {} : { shard: shard.value }) },
  };
}

function all(parsed: readonly Parsed<ReporterSpec>[]): Parsed<ReporterSpec[]> {
  const bad = parsed.find((p) => !p.ok);
  if (bad !== undefined && !bad.ok) return bad;
  return { ok: true, value: parsed.flatMap((p) => (p.ok ? [p.value] : [])) };
}
