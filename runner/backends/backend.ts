/**
 * The one interface between the runner and whatever executes a scenario: the in-process
 * simulator (backends/sim.ts) or a real QEMU (backends/qemu/). Everything crosses it in QEMU's
 * own vocabulary: QMP commands and replies, qemu-io command lines, qemu-img image creation, and
 * observations shaped like query-named-block-nodes' dirty-bitmaps plus exact extents.
 */
import type {
  BitmapExtent,
  BitmapObservation as SimBitmapObservation,
  NodeObservation as SimNodeObservation,
} from '../../src/bitmaps/observe.ts';
import type { Bytes } from '../../src/size.ts';
import type { QmpEvent, QmpReply } from '../../src/qmp/reply.ts';

/** Which dirtying rule the simulator applies (the QEMU backend only has 'qemu-7.2'). */
export type Semantics = 'qemu-7.2' | 'write-unchanged-clean';

/** An image file made before QEMU starts, as `qemu-img create` would, then filled with qemu-io. */
export interface ImageSpec {
  /** File name relative to the session's private directory, e.g. "base.qcow2". */
  readonly filename: string;
  readonly format: 'qcow2' | 'raw';
  readonly size: Bytes;
  /** qcow2 only: the backing file (another ImageSpec's filename) and its format. */
  readonly backing?: { readonly filename: string; readonly format: 'qcow2' | 'raw' };
  /** qcow2 only; QEMU's default is 64K. */
  readonly clusterSize?: Bytes;
  /** qcow2 only: `-o compat=`, 0.10 (version 2) or 1.1 (version 3, QEMU's default). */
  readonly compat?: '0.10' | '1.1';
  /** qemu-io command lines run on the closed image, in order (e.g. "write -P 0xaa 0 128K"). */
  readonly data: readonly string[];
}

/** What a backend builds before the first step: images, then nodes, then guest devices. */
export interface Setup {
  readonly images: readonly ImageSpec[];
  /** blockdev-add arguments, in order; `file: {driver: file, filename}` names an ImageSpec. */
  readonly blockdevs: readonly Readonly<Record<string, unknown>>[];
  /** Guest devices: qdev id and the node-name of the BlockBackend's root. */
  readonly devices: readonly { readonly id: string; readonly drive: string }[];
  readonly semantics: Semantics;
}

/** The outcome of one qemu-io command line. */
export type IoReply =
  | { readonly ok: true }
  /**
   * What qemu-io printed, e.g. "write failed: Input/output error" or a pattern mismatch; a
   * failed `read -P` also says what the range held, when the backend could read it back.
   */
  | { readonly ok: false; readonly message: string; readonly holds?: DataHolding };

/** A run of equal bytes a read saw: [offset, offset+length) of the target holds `byte` (0: zeroes). */
export interface DataRun {
  readonly offset: Bytes;
  readonly length: Bytes;
  readonly byte: number;
}

/** What a read range held: its runs in order, covering it, or 'too-large' past DATA_SHOW_LIMIT. */
export type DataHolding = readonly DataRun[] | 'too-large';

/**
 * The longest read whose contents a data mismatch shows: QEMU's `read -v` dumps 16 bytes a line
 * (~80 characters), so 1 MiB is already 5 MB of HMP output to read back.
 */
export const DATA_SHOW_LIMIT: Bytes = 2 ** 20;

/** A dirty run of a bitmap: [offset, offset+length) in the bitmap's node's byte offsets. */
export type Extent = BitmapExtent;

/**
 * One bitmap as a backend observes it: the simulator's observation (src/bitmaps/observe.ts), with
 * the contents optional where a backend cannot read them. QEMU can only hash named bitmaps (a
 * dirty anonymous one has no sha256) and cannot export busy or inconsistent bitmaps (no extents).
 */
export type BitmapObservation = Omit<SimBitmapObservation, 'sha256' | 'extents'> &
  Partial<Pick<SimBitmapObservation, 'sha256' | 'extents'>>;

/** One entry of the qcow2 format-specific `bitmaps` list of `qemu-img info`, in directory order. */
export interface StoredBitmapInfo {
  readonly name: string;
  readonly granularity: Bytes;
  /** As qemu-img lists them: "in-use" before "auto". */
  readonly flags: readonly string[];
}

export type NodeObservation = SimNodeObservation<BitmapObservation>;

/**
 * How far a `run` step moves a job: a number of chunks (the simulator only: QEMU cannot stop a
 * job after exactly N iterations), until it has been in a status, or until it settles (waits for a
 * user command, e.g. in ready, paused, pending or concluded, or is gone).
 */
export type JobLimit = { readonly chunks: number } | { readonly until: RunTarget } | 'settle';
export const RUN_TARGETS = ['ready', 'standby', 'paused', 'pending', 'concluded', 'null'] as const;
export type RunTarget = (typeof RUN_TARGETS)[number];

/** A run's end: the job's status then, or why the limit cannot be met (e.g. `Job 's0' not found`). */
export type RunReply = { readonly ok: true; readonly status: string } | { readonly ok: false; readonly desc: string };

export interface BackendSession {
  qmp(command: string, args?: Readonly<Record<string, unknown>>): Promise<QmpReply>;
  /** A qemu-io command line on a guest device (qdev id) or a node (node-name). */
  io(target: string, line: string): Promise<IoReply>;
  /**
   * Moves a job on as far as `limit` says (see JobLimit); rejects with Unsupported where it
   * cannot. Optional so that scripted test sessions need not have it; both backends do.
   */
  runJob?(id: string, limit: JobLimit): Promise<RunReply>;
  /** Every named node with its bitmaps, in the order QEMU lists them. */
  observe(): Promise<readonly NodeObservation[]>;
  /** Events seen since the last call, oldest first. */
  takeEvents(): Promise<readonly QmpEvent[]>;
  /** Clean quit and reopen of the same setup over the same image files. */
  restart(): Promise<void>;
  /** SIGKILL (or the simulator's equivalent: nothing unsaved survives) and reopen. */
  crash(): Promise<void>;
  /**
   * Host tools on the session's image files (optional: a backend without them skips the step).
   * `qemu-img ARGS` run in the session directory, e.g. ['bitmap', '--add', 'base.qcow2', 'b1'];
   * a failure's message is qemu-img's stderr.
   */
  qemuImg?(args: readonly string[]): Promise<IoReply>;
  /** `qemu-io -f FORMAT -c LINE FILE` on an image file (a format of the Setup's images). */
  offlineIo?(filename: string, line: string): Promise<IoReply>;
  /** An image's stored bitmaps as `qemu-img info -U --output=json` lists them; undefined if no such file. */
  storedBitmaps?(filename: string): Promise<readonly StoredBitmapInfo[] | undefined>;
  /** Releases everything: processes, sockets, temporary files. Safe to call twice. */
  close(): Promise<void>;
}

export interface Backend {
  readonly name: 'sim' | 'qemu';
  /** A one-line description for reports, e.g. "QEMU 7.2.22" or "simulator (qemu-7.2)". */
  describe(): Promise<string>;
  open(setup: Setup): Promise<BackendSession>;
}
