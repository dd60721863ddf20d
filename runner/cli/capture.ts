/** main() in-process with its output captured: for tests and for embedding the CLI. */
import type { CliIo } from './io.ts';
import { main } from './main.ts';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `over` replaces parts of the outside world; by default no backend resolves, env is empty. */
export async function runCaptured(argv: readonly string[], over: Partial<CliIo> = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    isTTY: false,
    resolveBackends: async () => ({ ok: false, reason: 'no backend given' }),
    ...over,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
