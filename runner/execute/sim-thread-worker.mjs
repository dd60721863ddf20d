// The simulator's worker thread (sim-thread.ts). TypeScript sources need tsx's loader, per thread.
import { register } from 'tsx/esm/api';
register();
const { serveCases } = await import('./sim-thread-worker.ts');
const { simBackend } = await import('../backends/sim.ts');
serveCases(simBackend());
