/**
 * A BackendSession on real QEMU: a private temp dir (QMP socket, NBD socket, images), one QEMU at
 * a time over the same image files, rebuilt by restart (clean quit) or crash (SIGKILL). A lost
 * connection or a failed reopen is not a QMP answer, so those reject the promise with a
 * QemuBackendError carrying QEMU's stderr; QMP errors and qemu-io failures are values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QmpEvent, QmpReply } from '../../../src/qmp/reply.ts';
import type { BackendSession, IoReply, JobLimit, NodeObservation, RunReply, Setup, StoredBitmapInfo } from '../backend.ts';
import { JobStatusLog } from '../job-run.ts';
import { track } from './cleanup.ts';
import { buildGraph } from './graph-setup.ts';
import { GuestDevices } from './guest-devices.ts';
import { guestIo } from './guest-io.ts';
import { offlineIo, qemuImg, storedBitmaps } from './host-tools.ts';
import { createImages } from './images.ts';
import { QemuInstance, type InstanceOptions } from './instance.ts';
import { observe } from './observe.ts';
import { isLost, type QmpLost } from './qmp-client.ts';
import { BitmapReader } from './readback.ts';
import { runQemuJob } from './run-job.ts';
import { imageFormat } from '../graph-commands.ts';

export class QemuBackendError extends Error {
  override readonly name = 'QemuBackendError';
}

/** The events a scenario can see; the rest (SHUTDOWN, BLOCK_EXPORT_DELETED...) is machinery. */
const SCENARIO_EVENT = /^(JOB_STATUS_CHANGE|BLOCK_JOB_\w+)$/;

function orThrow<T>(value: T | QmpLost): T {
  if (isLost(value)) throw new QemuBackendError(value.lost);
  return value;
}

export class QemuSession implements BackendSession {
  private events: QmpEvent[] = [];
  /** Every job's last status, from the events of the current QEMU. */
  private readonly jobs = new JobStatusLog();
  private closing: Promise<void> | undefined;
  private devices: GuestDevices;

  private constructor(
    private readonly setup: Setup,
    private readonly dir: string,
    private readonly options: InstanceOptions,
    private qemu: QemuInstance,
    private reader: BitmapReader,
    private readonly untrack: () => void,
  ) {
    this.devices = new GuestDevices(setup.devices);
  }

  static async open(setup: Setup, options: InstanceOptions): Promise<QemuSession> {
    const dir = mkdtempSync(join(tmpdir(), 'dirtysim-qemu-'));
    const untrack = track({ releaseNow: () => rmSync(dir, { recursive: true, force: true }) });
    const fail = (message: string): never => {
      rmSync(dir, { recursive: true, force: true });
      untrack();
      throw new QemuBackendError(message);
    };
    const imageFailure = await createImages(dir, setup.images);
    if (imageFailure !== undefined) return fail(imageFailure);
    const qemu = await QemuSession.start(setup, dir, options);
    if (isLost(qemu)) return fail(qemu.lost);
    return new QemuSession(setup, dir, options, qemu, new BitmapReader(qemu, dir), untrack);
  }

  private static async start(setup: Setup, dir: string, options: InstanceOptions): Promise<QemuInstance | QmpLost> {
    // Always a machine with a PCI bus: a device_add step may come at any point of the scenario.
    const qemu = await QemuInstance.start(dir, true, options);
    if (isLost(qemu)) return qemu;
    const failure = await buildGraph((command, args) => qemu.execute(command, args), setup, dir);
    if (failure === undefined) return qemu;
    await qemu.kill();
    return { lost: `setup failed: ${failure}` };
  }

  /** The private directory and the current QEMU's pid, for diagnostics and cleanup tests. */
  get directory(): string {
    return this.dir;
  }

  get pid(): number | undefined {
    return this.qemu.process.pid;
  }

  async qmp(command: string, args: Readonly<Record<string, unknown>> = {}): Promise<QmpReply> {
    const bus = this.devices.busFor(command, args);
    if (bus !== undefined) {
      const added = orThrow(await this.qemu.execute('device_add', bus));
      if ('error' in added) throw new QemuBackendError(`device_add ${JSON.stringify(bus)}: ${added.error.desc}`);
      this.devices.busAdded();
    }
    const reply = orThrow(await this.qemu.execute(command, args));
    this.jobs.heard(command, args, reply);
    this.devices.heard(command, args, reply);
    return reply;
  }

  async io(target: string, line: string): Promise<IoReply> {
    return orThrow(await guestIo(this.qemu, this.devices.ioTarget(target), line, this.options.timeoutMs));
  }

  async runJob(id: string, limit: JobLimit): Promise<RunReply> {
    const source = {
      log: this.jobs,
      collect: (job: string) => this.collectEvents(job),
      // Everything queued was collected, so the next event of any kind is the next in order.
      next: async (job: string) => {
        const e = await this.qemu.waitForEvent(() => true);
        return isLost(e) ? e : [...this.pushEvents([e], job), ...this.collectEvents(job)];
      },
      sync: async (job: string) => {
        const reply = await this.qemu.execute('query-jobs');
        return isLost(reply) ? reply : this.collectEvents(job);
      },
    };
    return orThrow(await runQemuJob(source, id, limit));
  }

  async observe(): Promise<readonly NodeObservation[]> {
    return orThrow(await observe(this.qemu, this.reader));
  }

  async takeEvents(): Promise<readonly QmpEvent[]> {
    this.collectEvents();
    return this.events.splice(0);
  }

  qemuImg(args: readonly string[]): Promise<IoReply> {
    return qemuImg(this.dir, args);
  }

  offlineIo(filename: string, line: string): Promise<IoReply> {
    return offlineIo(this.dir, filename, imageFormat(this.setup, filename), line);
  }

  storedBitmaps(filename: string): Promise<readonly StoredBitmapInfo[] | undefined> {
    return storedBitmaps(this.dir, filename);
  }

  async restart(): Promise<void> {
    this.collectEvents();
    const quit = await this.qemu.quit();
    if (quit !== undefined) throw new QemuBackendError(quit.lost);
    await this.reopen();
  }

  async crash(): Promise<void> {
    this.collectEvents();
    await this.qemu.kill();
    await this.reopen();
  }

  close(): Promise<void> {
    // Killing is enough: the images are thrown away with the directory.
    this.closing ??= this.qemu.kill().then(() => {
      rmSync(this.dir, { recursive: true, force: true });
      this.untrack();
    });
    return this.closing;
  }

  private async reopen(): Promise<void> {
    this.jobs.forget();
    // The new QEMU has the Setup's devices only, and no SCSI controller yet.
    this.devices = new GuestDevices(this.setup.devices);
    const qemu = orThrow(await QemuSession.start(this.setup, this.dir, this.options));
    this.qemu = qemu;
    this.reader = new BitmapReader(qemu, this.dir);
  }

  /** Moves QEMU's queued events here; returns the statuses job `id` moved through. */
  private collectEvents(id?: string): string[] {
    return this.pushEvents(this.qemu.takeEvents(), id);
  }

  private pushEvents(events: readonly QmpEvent[], id?: string): string[] {
    const kept = events.filter((e) => SCENARIO_EVENT.test(e.event));
    this.events.push(...kept);
    return this.jobs.see(kept, id);
  }
}
