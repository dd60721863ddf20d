/**
 * Run by cleanup.test.ts as a separate process: opens a QEMU session, prints its directory and
 * QEMU's pid, then waits to be interrupted without ever calling close().
 */
import { qemuBackend } from './index.ts';
import type { QemuSession } from './session.ts';

const session = (await qemuBackend().open({ images: [], blockdevs: [], devices: [], semantics: 'qemu-7.2' })) as QemuSession;
console.log(JSON.stringify({ directory: session.directory, pid: session.pid }));
setInterval(() => undefined, 1000);
