/**
 * Builds a Setup's block graph in a freshly started QEMU: throttle groups (object-add, since a
 * throttle node names a group that must exist first), then the graph's commands both backends
 * send (graph-commands.ts). Run again verbatim after restart and crash, so persistent bitmaps are
 * autoloaded from the same image files.
 */
import type { QmpReply } from '../../../src/qmp/reply.ts';
import type { Setup } from '../backend.ts';
import { graphCommands, isRecord, type Json } from '../graph-commands.ts';
import { isLost, type QmpLost } from './qmp-client.ts';

export type Execute = (command: string, args: Readonly<Record<string, unknown>>) => Promise<QmpReply | QmpLost>;

/** Throttle groups named by throttle nodes anywhere in the blockdev arguments, in order. */
export function throttleGroups(blockdevs: readonly Json[]): string[] {
  const groups: string[] = [];
  const visit = (args: Json): void => {
    const group = args['throttle-group'];
    if (args['driver'] === 'throttle' && typeof group === 'string' && !groups.includes(group)) groups.push(group);
    for (const value of Object.values(args)) if (isRecord(value)) visit(value);
  };
  blockdevs.forEach(visit);
  return groups;
}

/** Applies the graph; returns undefined on success or a message naming the failed command. */
export async function buildGraph(execute: Execute, setup: Setup, dir: string): Promise<string | undefined> {
  const commands: [string, Json][] = [
    // Unlimited groups: the throttle node is there for its place in the graph, not to slow I/O.
    ...throttleGroups(setup.blockdevs).map((id): [string, Json] => ['object-add', { 'qom-type': 'throttle-group', id, limits: {} }]),
    ...graphCommands(setup, dir),
  ];
  for (const [command, args] of commands) {
    const reply = await execute(command, args);
    if (isLost(reply)) return `${command}: ${reply.lost}`;
    if ('error' in reply) return `${command} ${JSON.stringify(args)}: ${reply.error.desc}`;
  }
  return undefined;
}
