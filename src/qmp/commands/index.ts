/**
 * Every QMP command the simulator answers, in one table. Command groups live in their own
 * modules; the transaction command gets every action the groups offer.
 */
import type { Machine } from '../../machine.ts';
import type { CommandTable } from '../dispatcher.ts';
import { backupActions, backupCommands } from './backup.ts';
import { bitmapActions, bitmapCommands } from './bitmap.ts';
import { blockdevCommands } from './blockdev.ts';
import { jobCommands } from './job.ts';
import { mediaCommands } from './media.ts';
import { mirrorCommands } from './mirror.ts';
import { queryCommands } from './query.ts';
import { snapshotActions, snapshotCommands } from './snapshot.ts';
import { abortAction, transactionCommand, type ActionTable } from './transaction.ts';

/** The actions `transaction` accepts (7.2 also has internal-snapshot actions, not yet modelled). */
export const transactionActions: ActionTable<Machine> = { abort: abortAction, ...bitmapActions, ...snapshotActions, ...backupActions };

export const qmpCommands: CommandTable<Machine> = {
  ...blockdevCommands,
  ...mediaCommands,
  ...bitmapCommands,
  ...queryCommands,
  ...jobCommands,
  ...mirrorCommands,
  ...snapshotCommands,
  ...backupCommands,
  transaction: transactionCommand(transactionActions),
};
