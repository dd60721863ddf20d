/**
 * blockdev-mirror and drive-mirror (qapi/block-core.json, 7.2): argument shapes in QAPI's member
 * order, so a bad member is reported as QEMU reports the first one. The jobs are driven and
 * completed through the job commands (job.ts).
 */
import { blockdevMirror, driveMirror } from '../../jobs/mirror-blockdev.ts';
import type { Machine } from '../../machine.ts';
import { bool, enumOf, int64, optional, str, uint32 } from '../args.ts';
import type { CommandTable } from '../dispatcher.ts';
import { starter } from './job.ts';

const sync = enumOf('top', 'full', 'none', 'incremental', 'bitmap');
const onError = optional(enumOf('report', 'ignore', 'enospc', 'stop'));
const copyMode = optional(enumOf('background', 'write-blocking'));
const finish = { 'auto-finalize': optional(bool), 'auto-dismiss': optional(bool) };

const blockdevMirrorShape = {
  'job-id': optional(str),
  device: str,
  target: str,
  replaces: optional(str),
  sync,
  speed: optional(int64),
  granularity: optional(uint32),
  'buf-size': optional(int64),
  'on-source-error': onError,
  'on-target-error': onError,
  'filter-node-name': optional(str),
  'copy-mode': copyMode,
  ...finish,
};

const driveMirrorShape = {
  'job-id': optional(str),
  device: str,
  target: str,
  format: optional(str),
  'node-name': optional(str),
  replaces: optional(str),
  sync,
  mode: optional(enumOf('existing', 'absolute-paths')),
  speed: optional(int64),
  granularity: optional(uint32),
  'buf-size': optional(int64),
  'on-source-error': onError,
  'on-target-error': onError,
  unmap: optional(bool),
  'copy-mode': copyMode,
  ...finish,
};

export const mirrorCommands: CommandTable<Machine> = {
  'blockdev-mirror': starter(blockdevMirrorShape, blockdevMirror),
  'drive-mirror': starter(driveMirrorShape, driveMirror),
};
