/**
 * Drive bitmaps (the simulator's extension, docs/drive-bitmaps.md) as observations: each guest
 * device appears as one more entry beside the nodes, named `device:<qdev id>` and with driver
 * `BlockBackend`, so an expectation keyed `device:vda/d0` is found, compared and rendered by the
 * same code as `top/b0`. The QEMU backend never lists such an entry: QEMU has no drive bitmaps.
 */
import { observeDriveBitmaps } from '../../src/drive/observe.ts';
import type { Simulator } from '../../src/simulator.ts';
import { driveKey } from '../scenario/trace.ts';
import type { NodeObservation } from './backend.ts';

export function driveObservations(sim: Simulator): NodeObservation[] {
  return observeDriveBitmaps(sim.machine.graph).map((d) => ({ nodeName: driveKey(d.qdevId), driver: 'BlockBackend', bitmaps: d.bitmaps }));
}
