/**
 * The dirtysim command line as a function: `main(argv)` returns the exit code (0 all passed,
 * 1 some failed, 2 invalid input or usage) and never throws for bad input, so tests call it
 * in-process and bin/dirtysim.mjs is a shim.
 */
import { Command, CommanderError, Option } from 'commander';
import { formatDiagnostic } from '../scenario/format.ts';
import { scenarioJsonSchema } from '../scenario/json-schema.ts';
import { reporterNames } from '../../reports/index.ts';
import type { CliIo } from './io.ts';
import { bookCommand, type BookFlags } from './book-command.ts';
import { loadAll } from './load-all.ts';
import { DEFAULT_PATHS, runCommand, type RunFlags } from './run-command.ts';

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  isTTY: process.stdout.isTTY === true,
  // Imported on first use: listing or validating loads no backend.
  resolveBackends: async (choice) => (await import('./backend-registry.ts')).resolveBackends(choice),
};

const collect = (value: string, previous: string[]) => [...previous, value];

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code = 0;
  const program = new Command('dirtysim')
    .description("Runs YAML scenarios against a simulator of QEMU's dirty-bitmap semantics (and real QEMU)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command('run')
    .description('run scenarios (default: scenarios/)')
    .argument('[paths...]', 'scenario files or directories')
    .option('--tag <tag>', 'only scenarios with this tag (repeatable: any of them)', collect, [])
    .option('--grep <regex>', 'only cases whose name matches')
    .option('--reporter <name[=file]>', `report with ${reporterNames().join('|')}, to stdout or a file (repeatable)`, collect, [])
    .option('--shard <k/n>', 'run only the k-th of n stable parts')
    .option('--bail', 'stop after the first failing case', false)
    .option('--timeout <ms>', 'time limit per case', '30000')
    .addOption(new Option('--backend <name>', 'where to run').choices(['sim', 'qemu', 'both']).default('sim'))
    .option('--list', 'list the selected cases without running them', false)
    .option('--update', 'write actual results into failing expectations', false)
    .action(async (paths: string[], flags: RunFlags) => {
      code = await runCommand(paths, flags, io);
    });

  program
    .command('validate')
    .description('load scenarios and report every problem found')
    .argument('[paths...]', 'scenario files or directories')
    .action((paths: string[]) => {
      code = validate(paths, io);
    });

  program
    .command('list')
    .description('list every case the scenarios expand into')
    .argument('[paths...]', 'scenario files or directories')
    .action(async (paths: string[]) => {
      code = await runCommand(paths, { tag: [], reporter: [], bail: false, timeout: '1', backend: 'sim', list: true, update: false }, io);
    });

  program
    .command('book')
    .description('write the semantics book: a static site with every scenario drawn step by step')
    .argument('[paths...]', 'scenario files or directories')
    .requiredOption('-o, --out <dir>', 'where to write the site')
    .addOption(new Option('--backend <name>', 'confirm on QEMU too with qemu or both').choices(['sim', 'qemu', 'both']).default('sim'))
    .option('--timeout <ms>', 'time limit per case', '30000')
    .action(async (paths: string[], flags: BookFlags) => {
      code = await bookCommand(paths, flags, io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .action(() => {
      io.stdout(scenarioJsonSchema());
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}

function validate(paths: readonly string[], io: CliIo): number {
  const loaded = loadAll(paths.length > 0 ? paths : DEFAULT_PATHS);
  if (loaded.missing.length > 0) {
    io.stderr(`dirtysim: no such file or directory: ${loaded.missing.join(', ')}\n`);
    return 2;
  }
  for (const f of loaded.invalidFiles) for (const d of f.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
  const bad = loaded.invalidFiles.length;
  io.stdout(`${loaded.files.length - bad} valid, ${bad} invalid file(s); ${loaded.cases.length} case(s)\n`);
  return bad > 0 ? 2 : 0;
}
