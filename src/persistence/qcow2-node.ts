/** The qcow2 image a node stores its persistent bitmaps in: only a qcow2 format node has one. */
import { Qcow2Driver } from '../graph/drivers/qcow2.ts';
import type { BlockNode } from '../graph/node.ts';
import type { Qcow2Image } from '../image/image.ts';

export function qcow2ImageOf(node: BlockNode): Qcow2Image | undefined {
  return node.driver instanceof Qcow2Driver ? node.driver.image : undefined;
}
