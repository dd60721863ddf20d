import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeWithQemu } from './with-qemu.ts';

const fixture = fileURLToPath(new URL('./cleanup.fixture.ts', import.meta.url));

/** Running, as opposed to gone or a zombie waiting for a reaper (Linux /proc). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describeWithQemu('last-resort cleanup', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`kills QEMU and removes the session directory on ${signal}`, async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
      const line = await new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(out);
        });
      });
      const { directory, pid } = JSON.parse(line) as { directory: string; pid: number };
      expect(existsSync(directory) && alive(pid)).toBe(true);
      const exited = new Promise((resolve) => child.once('exit', (_code, sig) => resolve(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(existsSync(directory)).toBe(false);
      // SIGKILL is delivered asynchronously; give the kernel a moment.
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(alive(pid)).toBe(false);
    });
  }
});
