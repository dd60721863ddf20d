/**
 * One simulated QEMU instance: the host file system it sees, its block graph, its block jobs, the
 * dirtying semantics it runs under and the QMP events it has emitted. Deterministic: no clocks, no I/O.
 * A crash is simply dropping the Machine: nothing is stored, the image keeps what it had.
 */
import { ImageStore } from './image/store.ts';
import type { Job } from './jobs/job.ts';
import { PersistingGraph } from './persistence/persisting-graph.ts';
import type { QmpEvent } from './qmp/reply.ts';

/**
 * 'qemu-7.2': flags are ignored when dirtying, as QEMU does (block/io.c:bdrv_co_write_req_finish).
 * 'write-unchanged-clean': a BDRV_REQ_WRITE_UNCHANGED request dirties nothing (the proposed fix).
 */
export type Semantics = 'qemu-7.2' | 'write-unchanged-clean';

export class Machine {
  /** Its qcow2 nodes load stored bitmaps on open and store them on close (persistence/). */
  readonly graph = new PersistingGraph();
  readonly events: QmpEvent[] = [];
  /**
   * Newest first, as query-jobs lists them (job_create inserts at the head of the job list);
   * jobs/registry.ts adds them and a job removes itself when dismissed.
   */
  readonly jobs: Job[] = [];
  private implicitNames = 0;

  constructor(
    readonly semantics: Semantics = 'qemu-7.2',
    /**
     * Survives the machine: a restarted machine opens the same images. Its directory is this
     * QEMU's working directory, against which relative file names resolve (graph/paths.ts).
     */
    readonly images: ImageStore = new ImageStore(),
  ) {}

  /**
   * A fresh name for a node the user did not name. QEMU appends two random digits
   * (util/id.c:id_generate); the sim uses a plain counter, so names are stable across runs.
   */
  nextImplicitNodeName(): string {
    this.implicitNames++;
    return `#block${String(this.implicitNames).padStart(3, '0')}`;
  }

  /** A clean quit: every node stores its persistent bitmaps. Use the machine no further. */
  quit(): void {
    this.graph.quit();
  }

  emit(event: string, data: Readonly<Record<string, unknown>>): void {
    this.events.push({ event, data });
  }
}
