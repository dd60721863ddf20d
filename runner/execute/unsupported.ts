/**
 * A backend's answer "this step cannot run here" (e.g. restart before the simulator models
 * persistence, or a drive-level bitmap on real QEMU). BackendSession.restart()/crash() return
 * Promise<void>, so a backend rejects with this value; the executor turns it into a skipped
 * case with the reason, never a crash of the run.
 */
export class Unsupported extends Error {
  override readonly name = 'Unsupported';
}
