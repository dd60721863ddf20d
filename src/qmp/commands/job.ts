/**
 * Job QMP commands (qapi/job.json, qapi/block-core.json; job-qmp.c, blockdev.c): starting
 * block-stream and block-commit, the verbs in both spellings, and the two queries.
 * job-* commands miss an unknown id with `Job not found`; block-job-* with class DeviceNotActive
 * and `Block job 'j' not found` (probed on 7.2.22). job-cancel is always a hard cancel;
 * block-job-cancel refuses a paused job unless `force` (qmp_block_job_cancel), and without
 * `force` is a soft cancel for a ready mirror (reference 4.1).
 */
import { blockCommit } from '../../jobs/block-commit.ts';
import { blockStream } from '../../jobs/block-stream.ts';
import type { Job, VerbResult } from '../../jobs/job.ts';
import { findJob } from '../../jobs/registry.ts';
import type { StartResult } from '../../jobs/start.ts';
import type { Machine } from '../../machine.ts';
import { bool, enumOf, int64, optional, parseArgs, str, type Args, type Shape } from '../args.ts';
import type { CommandHandler, CommandTable } from '../dispatcher.ts';
import { genericError, ok, type QmpReply } from '../reply.ts';

const jobStart = {
  speed: optional(int64),
  'on-error': optional(enumOf('report', 'ignore', 'enospc', 'stop')),
  'filter-node-name': optional(str),
  'auto-finalize': optional(bool),
  'auto-dismiss': optional(bool),
};

/** qapi/block-core.json member order: QAPI reports the first bad member in this order. */
const streamShape = {
  'job-id': optional(str),
  device: str,
  base: optional(str),
  'base-node': optional(str),
  'backing-file': optional(str),
  bottom: optional(str),
  ...jobStart,
};

const commitShape = {
  'job-id': optional(str),
  device: str,
  'base-node': optional(str),
  base: optional(str),
  'top-node': optional(str),
  top: optional(str),
  'backing-file': optional(str),
  ...jobStart,
};

export function starter<S extends Shape>(shape: S, start: (m: Machine, a: Args<S>) => StartResult): CommandHandler<Machine> {
  return (machine, args) => {
    const parsed = parseArgs(shape, args);
    if (!parsed.ok) return { error: parsed.error };
    const r = start(machine, parsed.value);
    return r.ok ? ok({}) : { error: r.error };
  };
}

type Verb = (job: Job, args: Readonly<Record<string, unknown>>) => VerbResult;

function reply(r: VerbResult): QmpReply {
  return r.ok ? ok({}) : genericError(r.desc);
}

/** job-* command: `{id}` plus the verb. */
function jobVerb(verb: Verb): CommandHandler<Machine> {
  return (machine, args) => {
    const parsed = parseArgs({ id: str }, args);
    if (!parsed.ok) return { error: parsed.error };
    const job = findJob(machine, parsed.value.id);
    return job === undefined ? genericError('Job not found') : reply(verb(job, args));
  };
}

/** block-job-* command: the job is named by `key` (device or id), extra members in `shape`. */
function blockJobVerb(key: 'device' | 'id', shape: Shape, verb: Verb): CommandHandler<Machine> {
  return (machine, args) => {
    const parsed = parseArgs({ [key]: str, ...shape }, args);
    if (!parsed.ok) return { error: parsed.error };
    const id = parsed.value[key] as string;
    const job = findJob(machine, id);
    if (job === undefined) return { error: { class: 'DeviceNotActive', desc: `Block job '${id}' not found` } };
    return reply(verb(job, parsed.value));
  };
}

const blockJobCancel: Verb = (job, args) => {
  if (job.userPaused && args['force'] !== true) return { ok: false, desc: `The block job for device '${job.id}' is currently paused` };
  return job.cancel(args['force'] === true);
};

/** JobInfo (query-jobs). */
function jobInfo(job: Job) {
  const error = job.error;
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    'current-progress': job.current,
    'total-progress': job.total,
    ...(error !== undefined ? { error } : {}),
  };
}

/** BlockJobInfo (query-block-jobs), as 7.2 prints it (probed for stream, commit and mirror). */
function blockJobInfo(job: Job) {
  return {
    type: job.type,
    device: job.id,
    len: job.total,
    offset: job.current,
    busy: false,
    paused: job.userPaused,
    speed: job.speed,
    'io-status': job.ioStatus,
    ready: job.ready,
    status: job.status,
    'auto-finalize': job.autoFinalize,
    'auto-dismiss': job.autoDismiss,
  };
}

const noArgs = (list: (m: Machine) => unknown): CommandHandler<Machine> => (machine, args) => {
  const parsed = parseArgs({}, args);
  return parsed.ok ? ok(list(machine)) : { error: parsed.error };
};

export const jobCommands: CommandTable<Machine> = {
  'block-stream': starter(streamShape, blockStream),
  'block-commit': starter(commitShape, blockCommit),
  'job-pause': jobVerb((j) => j.pause()),
  'job-resume': jobVerb((j) => j.resume()),
  'job-cancel': jobVerb((j) => j.cancel()),
  'job-complete': jobVerb((j) => j.complete()),
  'job-finalize': jobVerb((j) => j.finalize()),
  'job-dismiss': jobVerb((j) => j.dismiss()),
  'block-job-pause': blockJobVerb('device', {}, (j) => j.pause()),
  'block-job-resume': blockJobVerb('device', {}, (j) => j.resume()),
  'block-job-cancel': blockJobVerb('device', { force: optional(bool) }, blockJobCancel),
  'block-job-complete': blockJobVerb('device', {}, (j) => j.complete()),
  'block-job-set-speed': blockJobVerb('device', { speed: int64 }, (j, a) => j.setSpeed(a['speed'] as number)),
  'block-job-finalize': blockJobVerb('id', {}, (j) => j.finalize()),
  'block-job-dismiss': blockJobVerb('id', {}, (j) => j.dismiss()),
  'query-jobs': noArgs((m) => m.jobs.map(jobInfo)),
  'query-block-jobs': noArgs((m) => m.jobs.map(blockJobInfo)),
};
