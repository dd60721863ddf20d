/** Node-name rules of block.c:bdrv_assign_node_name, with QEMU's messages (probed on 7.2). */
import type { BlockGraph } from './graph.ts';

/** util/id.c:id_wellformed: a letter, then letters, digits, '-', '.' or '_'. */
const WELL_FORMED = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** bs->node_name is 32 bytes including the terminator. */
const MAX_NODE_NAME = 31;

export function checkNodeName(graph: BlockGraph, taken: ReadonlySet<string>, name: string): string | undefined {
  if (!WELL_FORMED.test(name)) return `Invalid node-name: '${name}'`;
  if (graph.node(name) !== undefined || taken.has(name)) return `Duplicate nodes with node-name='${name}'`;
  if (name.length > MAX_NODE_NAME) return 'Node name too long';
  return undefined;
}
