/**
 * Job statuses, QEMU's transition table and verb table (job.c JobSTT and JobVerbTable; identical
 * in 7.2 and 10.0 apart from 10.0's `change` verb). Both are data: a transition the table does not
 * allow is a programming bug (an assertion), a verb it does not allow is the QMP error
 * `Job 'j' in state 'pending' cannot accept command verb 'dismiss'` (job.c:job_apply_verb_locked).
 */

export const JOB_STATUSES = ['created', 'running', 'paused', 'ready', 'standby', 'waiting', 'pending', 'aborting', 'concluded', 'null'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** JobSTT (reference 4.1): the statuses each status may move to. */
export const JOB_STT: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  created: ['running', 'aborting', 'null'],
  running: ['paused', 'ready', 'waiting', 'aborting'],
  paused: ['running'],
  ready: ['standby', 'waiting', 'aborting'],
  standby: ['ready'],
  waiting: ['pending', 'aborting'],
  pending: ['concluded', 'aborting'],
  // aborting -> aborting is legal and silent (job_update_rc runs twice on a failing job).
  aborting: ['concluded', 'aborting'],
  concluded: ['null'],
  null: [],
};

export const JOB_VERBS = ['cancel', 'pause', 'resume', 'set-speed', 'complete', 'finalize', 'dismiss'] as const;
export type JobVerb = (typeof JOB_VERBS)[number];

const ACTIVE: readonly JobStatus[] = ['created', 'running', 'paused', 'ready', 'standby'];

/** JobVerbTable (reference 4.1): the statuses in which each verb is accepted. */
export const JOB_VERB_TABLE: Readonly<Record<JobVerb, readonly JobStatus[]>> = {
  cancel: [...ACTIVE, 'waiting', 'pending'],
  pause: ACTIVE,
  resume: ACTIVE,
  'set-speed': ACTIVE,
  complete: ['ready', 'standby'],
  finalize: ['pending'],
  dismiss: ['concluded'],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_STT[from].includes(to);
}

/** The QMP error text for a verb the job's status refuses, or undefined when it is accepted. */
export function verbError(id: string, status: JobStatus, verb: JobVerb): string | undefined {
  if (JOB_VERB_TABLE[verb].includes(status)) return undefined;
  return `Job '${id}' in state '${status}' cannot accept command verb '${verb}'`;
}
