import { describe, expect, it } from 'vitest';
import { detectQemu, INSTALL_HINT } from './detect.ts';
import { describeWithQemu } from './with-qemu.ts';

describe('detectQemu', () => {
  it('names the missing binary and how to install it', async () => {
    expect(await detectQemu('/nonexistent/qemu-system-x86_64')).toEqual({
      installed: false,
      reason: `/nonexistent/qemu-system-x86_64 not found; install with: ${INSTALL_HINT}`,
    });
  });
});

describeWithQemu('detectQemu on this machine', () => {
  it('reads the installed version', async () => {
    const found = await detectQemu();
    expect(found.installed && found.description).toMatch(/^QEMU \d+\.\d+\.\d+$/);
  });
});
