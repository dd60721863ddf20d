/**
 * blockdev-backup and drive-backup, as QMP commands and transaction actions (7.2: both commands
 * run as a one-action transaction, blockdev.c:blockdev_do_action). Prepare looks up the nodes,
 * checks everything and sets the job up (sync bitmap frozen, copy-before-write filter inserted);
 * commit starts the job; abort undoes the setup. Lookups miss with
 * `Cannot find device='X' nor node-name='X'` (probed on 7.2.22).
 */
import type { BlockNode } from '../../graph/node.ts';
import { openDriveTarget } from '../../jobs/backup-drive-target.ts';
import { prepareBackup, type BackupPrepare } from '../../jobs/backup-start.ts';
import { busyNode } from '../../jobs/registry.ts';
import type { Machine } from '../../machine.ts';
import { bool, enumOf, int64, optional, str, struct } from '../args.ts';
import type { CommandTable } from '../dispatcher.ts';
import { asCommands, defineAction, refuse, type ActionTable, type PrepareResult } from './transaction.ts';

const onError = enumOf('report', 'ignore', 'enospc', 'stop');

/** qapi BackupCommon in schema order (QAPI reports the first bad member in this order). */
const backupCommon = {
  'job-id': optional(str),
  device: str,
  sync: enumOf('top', 'full', 'none', 'incremental', 'bitmap'),
  speed: optional(int64),
  bitmap: optional(str),
  'bitmap-mode': optional(enumOf('on-success', 'never', 'always')),
  compress: optional(bool),
  'on-source-error': optional(onError),
  'on-target-error': optional(onError),
  'auto-finalize': optional(bool),
  'auto-dismiss': optional(bool),
  'filter-node-name': optional(str),
  'x-perf': optional(struct({ 'use-copy-range': optional(bool), 'max-workers': optional(int64), 'max-chunk': optional(int64) })),
};

function lookup(machine: Machine, name: string): BlockNode | { readonly error: string } {
  return machine.graph.node(name) ?? { error: `Cannot find device='${name}' nor node-name='${name}'` };
}

function prepared(result: BackupPrepare, onAbort: () => void = () => {}): PrepareResult {
  if ('error' in result) {
    onAbort();
    return refuse(result.error);
  }
  return {
    commit: () => result.start(),
    abort: () => {
      result.undo();
      onAbort();
    },
  };
}

const blockdevBackup = defineAction({ ...backupCommon, target: str }, (machine: Machine, a): PrepareResult => {
  const source = lookup(machine, a.device);
  if ('error' in source) return refuse(source.error);
  const target = lookup(machine, a.target);
  if ('error' in target) return refuse(target.error);
  return prepared(prepareBackup(machine, source, target, a));
});

const driveBackup = defineAction(
  { ...backupCommon, target: str, format: optional(str), mode: optional(enumOf('existing', 'absolute-paths')) },
  (machine: Machine, a): PrepareResult => {
    const source = lookup(machine, a.device);
    if ('error' in source) return refuse(source.error);
    // The early op-blocker check, "to avoid creating target".
    const busy = busyNode(machine, [source]);
    if (busy !== undefined) return refuse(busy);
    const target = openDriveTarget(machine, source, a.sync, a);
    if ('error' in target) return refuse(target.error);
    // The target has no other reference: a refused or aborted backup closes it.
    return prepared(prepareBackup(machine, source, target.node, { ...a, sync: target.sync }), () => machine.graph.removeSubtree(target.node));
  },
);

export const backupActions: ActionTable<Machine> = {
  'blockdev-backup': blockdevBackup,
  'drive-backup': driveBackup,
};

export const backupCommands: CommandTable<Machine> = asCommands(backupActions);
