/**
 * For test files that need the real QEMU: runs the suite when QEMU is installed, skips it with the
 * install hint when it is missing locally, and fails when it is missing under CI=true.
 */
import { describe, it } from 'vitest';
import { detectQemu } from './detect.ts';

const detected = await detectQemu();

export function describeWithQemu(name: string, suite: () => void): void {
  if (detected.installed) {
    describe(name, suite);
  } else if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('needs QEMU under CI', () => {
        throw new Error(detected.reason);
      });
    });
  } else {
    console.warn(`skipping "${name}": ${detected.reason}`);
    describe.skip(name, suite);
  }
}
