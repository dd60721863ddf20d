import { describe, expect, it } from 'vitest';
import { canTransition, JOB_STATUSES, JOB_VERBS, verbError, type JobStatus, type JobVerb } from './status.ts';

describe('JobSTT (reference 4.1)', () => {
  const allowed = new Set([
    'created>running', 'created>aborting', 'created>null',
    'running>paused', 'running>ready', 'running>waiting', 'running>aborting',
    'paused>running',
    'ready>standby', 'ready>waiting', 'ready>aborting',
    'standby>ready',
    'waiting>pending', 'waiting>aborting',
    'pending>concluded', 'pending>aborting',
    'aborting>concluded', 'aborting>aborting',
    'concluded>null',
  ]);
  it('allows exactly the listed transitions', () => {
    for (const from of JOB_STATUSES) {
      for (const to of JOB_STATUSES) expect(canTransition(from, to), `${from}>${to}`).toBe(allowed.has(`${from}>${to}`));
    }
  });
});

describe('JobVerbTable (reference 4.1)', () => {
  const letters: Record<string, JobStatus> = { C: 'created', R: 'running', P: 'paused', Y: 'ready', S: 'standby', W: 'waiting', D: 'pending', E: 'concluded' };
  const table: Record<JobVerb, string> = {
    cancel: 'CRPYSWD', pause: 'CRPYS', resume: 'CRPYS', 'set-speed': 'CRPYS', complete: 'YS', finalize: 'D', dismiss: 'E',
  };
  it('accepts each verb in exactly the listed statuses', () => {
    for (const verb of JOB_VERBS) {
      const ok = new Set([...table[verb]].map((l) => letters[l]));
      for (const status of JOB_STATUSES) expect(verbError('j', status, verb) === undefined, `${verb} in ${status}`).toBe(ok.has(status));
    }
  });
  it("words a refusal as QEMU does (probed on 7.2)", () => {
    expect(verbError('j', 'pending', 'dismiss')).toBe("Job 'j' in state 'pending' cannot accept command verb 'dismiss'");
    expect(verbError('c', 'concluded', 'cancel')).toBe("Job 'c' in state 'concluded' cannot accept command verb 'cancel'");
  });
});
