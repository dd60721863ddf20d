/**
 * Test fixture: a Machine with nodes built directly on the graph (no blockdev-add), so the bitmap
 * commands can be tested on their own. Used by tests only.
 */
import { FileDriver } from '../graph/drivers/file.ts';
import { NullDriver } from '../graph/drivers/null-co.ts';
import { Qcow2Driver } from '../graph/drivers/qcow2.ts';
import { BlockNode, type Driver } from '../graph/node.ts';
import { newQcow2, newRaw, type Qcow2Compat } from '../image/image.ts';
import { Machine } from '../machine.ts';
import type { Bytes } from '../size.ts';

export function addNode(machine: Machine, nodeName: string, driver: Driver): BlockNode {
  const node = new BlockNode(driver, { nodeName, implicit: false, readOnly: false, discard: 'ignore', detectZeroes: 'off' });
  machine.graph.addNode(node);
  return node;
}

export function addQcow2(machine: Machine, nodeName: string, size: Bytes, options: { clusterSize?: Bytes; compat?: Qcow2Compat } = {}): BlockNode {
  const image = newQcow2({
    filename: `${nodeName}.qcow2`,
    size,
    clusterSize: options.clusterSize ?? 65536,
    compat: options.compat ?? '1.1',
    backingFile: undefined,
    backingFormat: undefined,
  });
  machine.images.put(image);
  const node = addNode(machine, nodeName, new Qcow2Driver(image));
  node.setChild('file', addNode(machine, `${nodeName}-file`, new FileDriver(image)));
  return node;
}

export function addRawFile(machine: Machine, nodeName: string, size: Bytes): BlockNode {
  const image = newRaw(`${nodeName}.raw`, size);
  machine.images.put(image);
  return addNode(machine, nodeName, new FileDriver(image));
}

export function addNull(machine: Machine, nodeName: string, size: Bytes): BlockNode {
  return addNode(machine, nodeName, new NullDriver(size, true));
}
