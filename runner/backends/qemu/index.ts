/**
 * The qemu backend: every scenario step runs against a real QEMU 7.2 (see docs/qemu-backend.md).
 */
import type { Backend } from '../backend.ts';
import { detectQemu } from './detect.ts';
import { QemuSession } from './session.ts';

export { detectQemu, INSTALL_HINT, type QemuDetection } from './detect.ts';
export { QemuBackendError } from './session.ts';

export interface QemuBackendOptions {
  /** The emulator binary; default qemu-system-x86_64 from PATH. */
  readonly binary?: string;
  /** The longest wait for any one thing (start, reply, exit, I/O output); default 10 s. */
  readonly timeoutMs?: number;
}

export function qemuBackend(options: QemuBackendOptions = {}): Backend {
  const binary = options.binary ?? 'qemu-system-x86_64';
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'qemu',
    async describe() {
      const found = await detectQemu(binary);
      return found.installed ? found.description : `QEMU not available: ${found.reason}`;
    },
    open: (setup) => QemuSession.open(setup, { binary, timeoutMs }),
  };
}
