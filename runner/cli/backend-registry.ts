/**
 * Backends by `--backend` name. The simulator runs in a worker thread; the QEMU backend is imported only
 * when asked for, so a plain `run` starts no QEMU machinery (signal handlers, probes).
 */
import type { Backend } from '../backends/backend.ts';
import { simThreadBackend } from '../execute/sim-thread.ts';

export type Resolved = { readonly ok: true; readonly backends: Backend[] } | { readonly ok: false; readonly reason: string };

const registry: Readonly<Record<Backend['name'], () => Promise<Backend>>> = {
  // In a worker thread, so that --timeout also ends a simulator stuck in a loop (sim-thread.ts).
  sim: async () => simThreadBackend(),
  qemu: async () => (await import('../backends/qemu/index.ts')).qemuBackend(),
};

const CHOICES: Readonly<Record<string, readonly Backend['name'][]>> = { sim: ['sim'], qemu: ['qemu'], both: ['sim', 'qemu'] };

export async function resolveBackends(choice: string): Promise<Resolved> {
  const names = CHOICES[choice];
  if (names === undefined) return { ok: false, reason: `--backend '${choice}': expected sim, qemu or both` };
  return { ok: true, backends: await Promise.all(names.map((n) => registry[n]())) };
}
