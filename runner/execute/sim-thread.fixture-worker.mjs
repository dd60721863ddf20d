// For sim-thread.test.ts: the simulator's worker, except that QMP `x-spin` loops forever (a
// stand-in for a simulator bug that never returns) and `x-exit` ends the thread.
import { register } from 'tsx/esm/api';
register();
const { serveCases } = await import('./sim-thread-worker.ts');
const { simBackend } = await import('../backends/sim.ts');
const sim = simBackend();
serveCases({
  ...sim,
  async open(setup) {
    const session = await sim.open(setup);
    const qmp = async (command, args) => {
      if (command === 'x-spin') for (;;);
      if (command === 'x-exit') process.exit(3);
      return session.qmp(command, args);
    };
    return { ...session, qmp };
  },
});
