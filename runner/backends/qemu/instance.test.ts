import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { QemuInstance } from './instance.ts';
import { isLost } from './qmp-client.ts';
import { describeWithQemu } from './with-qemu.ts';

describeWithQemu('QemuInstance on the real QEMU', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dirtysim-instance-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('greets, runs commands by id, and quits cleanly', async () => {
    const qemu = await QemuInstance.start(dir, false, { binary: 'qemu-system-x86_64', timeoutMs: 5000 });
    if (isLost(qemu)) throw new Error(qemu.lost);
    const version = await qemu.execute('query-version');
    expect(!isLost(version) && 'return' in version && (version.return as { qemu: { major: number } }).qemu.major).toBe(7);
    expect(await qemu.execute('no-such-command')).toEqual({
      error: { class: 'CommandNotFound', desc: 'The command no-such-command has not been found' },
    });
    expect(await qemu.quit()).toBeUndefined();
    expect(qemu.process.exitStatus).toEqual({ code: 0, signal: null });
  });

  it('says clearly that QEMU died when it is killed under a command', async () => {
    const qemu = await QemuInstance.start(dir, false, { binary: 'qemu-system-x86_64', timeoutMs: 5000 });
    if (isLost(qemu)) throw new Error(qemu.lost);
    qemu.process.kill();
    const reply = await qemu.execute('query-version');
    expect(isLost(reply) && reply.lost).toMatch(/QEMU ended with signal SIGKILL/);
  });

  it('reports a QEMU that cannot start, with its stderr', async () => {
    const failed = await QemuInstance.start(dir, false, { binary: 'qemu-img', timeoutMs: 5000 });
    expect(isLost(failed) && failed.lost).toMatch(/QEMU exited \(exit code 1\) during start-up: qemu-img: .*-M/);
  });
});
