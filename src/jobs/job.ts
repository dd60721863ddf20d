/**
 * A block job and its lifecycle, as job.c and blockjob.c run it (reference 4.1).
 *
 * Determinism: nothing happens on its own. A start command leaves the job `running` (the events
 * created, running are emitted at once, as QEMU's job_start does) having copied nothing; each call
 * to `runChunk` (advance.ts: advanceJob is the public entry) runs one iteration of the job's loop (one pause point to the next: up to 512 KiB
 * for stream and commit). When the loop ends, completion runs in the same call: waiting, pending,
 * then (auto-finalize) prepare/commit or abort, the COMPLETED or CANCELLED event, concluded and
 * (auto-dismiss) null. User commands (pause, resume, cancel, finalize, dismiss) take effect at once:
 * a cancelled running job leaves its loop without copying more, as QEMU's does at its next pause
 * point, so `…, aborting, concluded, null` follows the cancel command directly. `speed` is
 * reported but never delays anything: there is no clock.
 */
import type { BlockNode } from '../graph/node.ts';
import type { Errno } from '../io/request.ts';
import { ERRNO_TEXT } from '../io/request.ts';
import type { Machine } from '../machine.ts';
import { canTransition, verbError, type JobStatus, type JobVerb } from './status.ts';

export type JobType = 'stream' | 'commit' | 'mirror' | 'backup';

/** qapi BlockdevOnError. */
export type OnError = 'report' | 'ignore' | 'enospc' | 'stop';
export type ErrorAction = 'report' | 'ignore' | 'stop';

/**
 * What one iteration of the run loop ended with. `synced`: nothing left to copy for now (a
 * mirror's bitmap is clean): the job becomes ready the first time, then idles until told more.
 */
export type StepOutcome = 'more' | 'synced' | 'done' | JobFailure;

/** A failed job's errno, and the message its error carries when it is not strerror's (job->err). */
export interface JobFailure {
  readonly failed: Errno;
  readonly message?: string;
}

/** The job type's callbacks (JobDriver .run split into iterations, .prepare, .abort, .clean). */
export interface JobDriver {
  readonly type: JobType;
  /** The nodes the job holds op blockers on (block_job_add_bdrv) while it has not concluded. */
  nodes(): readonly BlockNode[];
  step(job: Job): StepOutcome;
  /** .complete (mirror_complete): job-complete in ready or standby; the loop ends once synced. */
  complete?(): void;
  /**
   * .cancel (mirror_cancel): whether this cancel is a hard one. Without the callback every
   * cancel is (job_cancel_async); a soft one lets the loop finish as a success.
   */
  cancel?(force: boolean): boolean;
  /** Graph changes on success, before commit; a failure aborts the job. */
  prepare(): Errno | undefined;
  abort(): void;
  clean(): void;
}

export interface JobOptions {
  readonly id: string;
  readonly speed: number;
  readonly onError: OnError;
  readonly autoFinalize: boolean;
  readonly autoDismiss: boolean;
}

/** A verb refused, or a command's own check failed: the QMP error text. */
export type VerbResult = { readonly ok: true } | { readonly ok: false; readonly desc: string };

const OK: VerbResult = { ok: true };
const refuse = (desc: string): VerbResult => ({ ok: false, desc });

export class Job {
  readonly id: string;
  readonly type: JobType;
  readonly autoFinalize: boolean;
  readonly autoDismiss: boolean;
  readonly onError: OnError;
  speed: number;
  #status: JobStatus = 'created';
  /** job->progress: current and total, in bytes. */
  current = 0;
  total = 0;
  /** Set by job-pause or an on-error=stop error; a paused job runs no chunk. */
  #userPaused = false;
  #cancelled = false;
  /** job-complete or a soft cancel was accepted: the job runs to its end once it is ready. */
  #finishing = false;
  #ret: Errno | 'ECANCELED' | undefined;
  #message: string | undefined;
  #ioStatus: 'ok' | 'failed' | 'nospace' = 'ok';

  constructor(
    private readonly machine: Machine,
    private readonly driver: JobDriver,
    options: JobOptions,
    private readonly onGone: (job: Job) => void,
  ) {
    this.id = options.id;
    this.type = driver.type;
    this.speed = options.speed;
    this.onError = options.onError;
    this.autoFinalize = options.autoFinalize;
    this.autoDismiss = options.autoDismiss;
    machine.emit('JOB_STATUS_CHANGE', { id: this.id, status: 'created' });
  }

  get status(): JobStatus {
    return this.#status;
  }
  get userPaused(): boolean {
    return this.#userPaused;
  }
  get ioStatus(): 'ok' | 'failed' | 'nospace' {
    return this.#ioStatus;
  }
  /** query-jobs `error`: the failure's own message, else strerror of the job's return value. */
  get error(): string | undefined {
    const r = this.#ret;
    if (r === undefined) return undefined;
    return r === 'ECANCELED' ? 'Operation canceled' : (this.#message ?? ERRNO_TEXT[r]);
  }

  /** job_is_ready: BlockJobInfo.ready. */
  get ready(): boolean {
    return this.#status === 'ready' || this.#status === 'standby';
  }

  /** bdrv_op_is_blocked for the node: the job uses it and has not concluded yet. */
  blocks(node: BlockNode): boolean {
    return this.#status !== 'concluded' && this.#status !== 'null' && this.driver.nodes().includes(node);
  }

  /** job_start. */
  start(): void {
    this.transition('running');
  }

  /** One iteration of the run loop; false when the job cannot run now (paused, finished). */
  runChunk(): boolean {
    if (this.#status !== 'running' && this.#status !== 'ready') return false;
    const outcome = this.driver.step(this);
    if (outcome === 'more') return true;
    if (outcome === 'synced') {
      if (this.#status === 'ready') return false;
      // job_transition_to_ready.
      this.transition('ready');
      this.machine.emit('BLOCK_JOB_READY', this.eventData());
      return true;
    }
    if (outcome !== 'done') {
      this.#ret = outcome.failed;
      this.#message = outcome.message;
    }
    this.completed();
    return true;
  }

  /**
   * blockjob.c:block_job_error_action: which action an I/O error gets under on-error, with the
   * BLOCK_JOB_ERROR event; `stop` pauses the job as the user would (the chunk is retried on resume).
   */
  errorAction(operation: 'read' | 'write', errno: Errno, onError: OnError = this.onError): ErrorAction {
    // Backup passes its on-source-error or on-target-error (backup.c:backup_error_action).
    const action: ErrorAction = onError === 'enospc' ? (errno === 'ENOSPC' ? 'stop' : 'report') : onError;
    this.machine.emit('BLOCK_JOB_ERROR', { device: this.id, operation, action });
    if (action === 'stop') {
      this.#ioStatus = errno === 'ENOSPC' ? 'nospace' : 'failed';
      this.#userPaused = true;
      this.transition(this.#status === 'ready' ? 'standby' : 'paused');
    }
    return action;
  }

  pause(): VerbResult {
    const refused = this.verb('pause');
    if (refused !== OK) return refused;
    if (this.#userPaused) return refuse('Job is already paused');
    this.#userPaused = true;
    if (this.#status === 'running') this.transition('paused');
    else if (this.#status === 'ready') this.transition('standby');
    return OK;
  }

  /** job_user_resume checks user_paused before the verb. */
  resume(): VerbResult {
    if (!this.#userPaused) return refuse("Can't resume a job that was not paused");
    const refused = this.verb('resume');
    if (refused !== OK) return refused;
    this.#userPaused = false;
    this.#ioStatus = 'ok';
    this.leavePausePoint();
    this.finishIfAsked();
    return OK;
  }

  /** block_job_set_speed: the verb first, then the value. The sim has no clock, so speed is only reported. */
  setSpeed(speed: number): VerbResult {
    const refused = this.verb('set-speed');
    if (refused !== OK) return refused;
    if (speed < 0) return refuse("Parameter 'speed' expects a non-negative value");
    this.speed = speed;
    return OK;
  }

  /**
   * job-complete (ready or standby only, so stream and commit always refuse). Like every user
   * command it takes effect at once: the job copies what is still dirty and completes, in
   * standby on resume (reference 4.1).
   */
  complete(): VerbResult {
    const refused = this.verb('complete');
    if (refused !== OK) return refused;
    this.driver.complete?.();
    this.#finishing = true;
    this.finishIfAsked();
    return OK;
  }

  /**
   * job_user_cancel -> job_cancel. A driver without a .cancel callback (stream, intermediate
   * commit) makes every cancel a hard one (job_cancel_async: "behave as if force-cancelled");
   * job-cancel is always forced, block-job-cancel only with force.
   */
  cancel(force = true): VerbResult {
    const refused = this.verb('cancel');
    if (refused !== OK) return refused;
    if (this.driver.cancel?.(force) === false) {
      this.#finishing = true;
      this.finishIfAsked();
      return OK;
    }
    this.#cancelled = true;
    this.#userPaused = false;
    this.leavePausePoint();
    if (this.#status === 'running' || this.#status === 'created') this.completed();
    else this.finalizeSingle();
    return OK;
  }

  finalize(): VerbResult {
    const refused = this.verb('finalize');
    if (refused !== OK) return refused;
    this.doFinalize();
    return OK;
  }

  dismiss(): VerbResult {
    const refused = this.verb('dismiss');
    if (refused !== OK) return refused;
    this.doDismiss();
    return OK;
  }

  /** job_pause_point: a resumed job goes back to the status it paused in (probed: standby, ready, aborting on cancel). */
  private leavePausePoint(): void {
    if (this.#status === 'paused') this.transition('running');
    else if (this.#status === 'standby') this.transition('ready');
  }

  /** A ready job asked to finish runs its loop to the end (mirror_run leaves it once synced). */
  private finishIfAsked(): void {
    if (!this.#finishing) return;
    while (this.#status === 'ready' && this.runChunk());
  }

  private eventData(): Readonly<Record<string, unknown>> {
    return { type: this.type, device: this.id, len: this.total, offset: this.current, speed: this.speed };
  }

  private verb(verb: JobVerb): VerbResult {
    const desc = verbError(this.id, this.#status, verb);
    return desc === undefined ? OK : refuse(desc);
  }

  private transition(to: JobStatus): void {
    const from = this.#status;
    if (!canTransition(from, to)) throw new Error(`job '${this.id}': illegal transition ${from} -> ${to}`);
    this.#status = to;
    if (from !== to) this.machine.emit('JOB_STATUS_CHANGE', { id: this.id, status: to });
  }

  /** job_update_rc: a cancelled job returns ECANCELED; any failure moves to aborting. */
  private updateRc(): void {
    if (this.#ret === undefined && this.#cancelled) this.#ret = 'ECANCELED';
    if (this.#ret !== undefined) this.transition('aborting');
  }

  /** job_completed: the run loop has ended. */
  private completed(): void {
    this.updateRc();
    if (this.#ret !== undefined) {
      this.finalizeSingle();
      return;
    }
    this.transition('waiting');
    this.transition('pending');
    // job_transition_to_pending: the event only when the user has to finalize.
    if (!this.autoFinalize) this.machine.emit('BLOCK_JOB_PENDING', { type: this.type, id: this.id });
    else this.doFinalize();
  }

  /** job_do_finalize: prepare, and abort the job if it fails. */
  private doFinalize(): void {
    const failed = this.driver.prepare();
    if (failed !== undefined) this.#ret = failed;
    this.finalizeSingle();
  }

  /** job_finalize_single: commit or abort, clean, the completion event, conclude. */
  private finalizeSingle(): void {
    this.updateRc();
    if (this.#ret !== undefined) this.driver.abort();
    this.driver.clean();
    const data = this.eventData();
    if (this.#ret === 'ECANCELED') this.machine.emit('BLOCK_JOB_CANCELLED', data);
    else this.machine.emit('BLOCK_JOB_COMPLETED', this.#ret === undefined ? data : { ...data, error: this.error });
    this.transition('concluded');
    if (this.autoDismiss) this.doDismiss();
  }

  private doDismiss(): void {
    this.transition('null');
    this.onGone(this);
  }
}
