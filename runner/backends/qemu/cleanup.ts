/**
 * Last-resort cleanup: every QEMU child and session directory alive in this process is registered
 * here, so Ctrl-C (SIGINT), SIGTERM or an exit without close() does not leave QEMU processes or
 * temp dirs behind. The work is synchronous because it runs inside signal and exit handlers.
 */
export interface Releasable {
  /** Kills and deletes synchronously; must be safe to call more than once. */
  releaseNow(): void;
}

const live = new Set<Releasable>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function releaseAll(): void {
  for (const r of [...live]) r.releaseNow();
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  uninstall();
  // With our handler gone, re-raising gives the signal its normal effect (or other listeners').
  process.kill(process.pid, signal);
}

function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', releaseAll);
}

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', releaseAll);
}

/** Registers `r` until the returned function is called (after an orderly release). */
export function track(r: Releasable): () => void {
  if (live.size === 0) install();
  live.add(r);
  return () => {
    live.delete(r);
    if (live.size === 0) uninstall();
  };
}

/** How many resources are registered (tests check that sessions unregister). */
export function trackedCount(): number {
  return live.size;
}
