import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'runner/**/*.test.ts', 'reports/**/*.test.ts', 'test/**/*.test.ts'],
    // QEMU-backed tests start real processes; keep the shared 2-core machine responsive.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
