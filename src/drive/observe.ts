/**
 * What can be seen of drive bitmaps (extension): per guest device, its bitmaps newest first with
 * exact contents, in the same shape as a node's (bitmaps/observe.ts), so the runner compares and
 * renders them with the same code.
 */
import { observeBitmap, type BitmapObservation } from '../bitmaps/observe.ts';
import type { BlockGraph } from '../graph/graph.ts';
import { driveBitmapsOf, followDeviceLength } from './drive-bitmap.ts';

export interface DriveObservation {
  readonly qdevId: string;
  readonly bitmaps: readonly BitmapObservation[];
}

/** Every guest device in creation order, with its drive bitmaps. */
export function observeDriveBitmaps(graph: BlockGraph): readonly DriveObservation[] {
  return graph.backends().flatMap((backend) => {
    if (backend.owner.kind !== 'device') return [];
    followDeviceLength(backend);
    return [{ qdevId: backend.owner.qdevId, bitmaps: driveBitmapsOf(backend).map(observeBitmap) }];
  });
}
