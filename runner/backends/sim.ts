/**
 * The in-process simulator as a Backend. A session builds the Setup the way a harness builds
 * QEMU's: `qemu-img create` for every image, qemu-io on each closed image, then blockdev-add
 * and device_add over QMP, so the simulator sees exactly the commands real QEMU would. Like the
 * QEMU backend, it opens the graph's files by absolute paths in its session directory (the image
 * store's, /dirtysim/session), so nodes get the same file names and `json:` names on both, and
 * file-name arguments (block-stream base, block-commit top) resolve alike. Host-tool steps and
 * `images:` name files relative to that directory, as qemu-img and qemu-io run in it. Restart
 * and crash rebuild the same graph over the same image files, after a clean quit or without one.
 */
import { createImage } from '../../src/image/create.ts';
import { isError } from '../../src/qmp/reply.ts';
import type { QemuIoResult } from '../../src/io/qemu-io.ts';
import { Simulator } from '../../src/simulator.ts';
import { Unsupported } from '../execute/unsupported.ts';
import { driveObservations } from './sim-drives.ts';
import type { QmpEvent } from '../../src/qmp/reply.ts';
import { DATA_SHOW_LIMIT, type Backend, type BackendSession, type ImageSpec, type IoReply, type Setup } from './backend.ts';
import { graphCommands, imageFormat } from './graph-commands.ts';
import { JobStatusLog } from './job-run.ts';
import { runSimJob } from './sim-run.ts';

/**
 * Where the simulator's cases run: in this thread (sessions from open(), as the book and tests use
 * them), or in a worker thread that runs whole cases (runner/execute/sim-thread.ts).
 */
export type SimHost = 'in-process' | 'worker thread';

export function simBackend(host: SimHost = 'in-process'): Backend {
  return {
    name: 'sim',
    describe: async () => `simulator (${host})`,
    open: async (setup) => openSession(setup),
  };
}

async function openSession(setup: Setup): Promise<BackendSession> {
  let sim = new Simulator({ semantics: setup.semantics });
  const failed = createImages(sim, setup) ?? openGraph(sim, setup);
  // A setup the simulator refuses is a broken backend for this case, reported at the case.
  if (failed !== undefined) throw new Error(failed);
  let closed = false;
  const live = () => {
    if (closed) throw new Error('the simulator session is closed');
    return sim;
  };
  // Events wait here, as QEMU's do in the QMP client, so a run can follow the job's statuses.
  const events: QmpEvent[] = [];
  const log = new JobStatusLog();
  const collect = (id?: string) => {
    const fresh = live().takeEvents();
    events.push(...fresh);
    return log.see(fresh, id);
  };
  /** A new instance over the same image files, with the setup's graph opened again. */
  const reopen = () => {
    collect();
    log.forget();
    sim = new Simulator({ semantics: setup.semantics, images: live().images });
    const broken = openGraph(sim, setup);
    if (broken !== undefined) throw new Error(`reopen: ${broken}`);
  };
  return {
    qmp: async (command, args) => {
      const reply = live().qmp(command, args ?? {});
      log.heard(command, args ?? {}, reply);
      return reply;
    },
    io: async (target, line) => ioReply(live().io(target, line)),
    observe: async () => [...live().observe(), ...driveObservations(live())],
    takeEvents: async () => {
      collect();
      return events.splice(0);
    },
    runJob: async (id, limit) => runSimJob(live(), log, collect, id, limit),
    // A clean quit stores every persistent bitmap; a crash drops the instance with nothing stored.
    restart: async () => {
      live().quit();
      reopen();
    },
    crash: async () => reopen(),
    qemuImg: async (args) => qemuImg(live(), args),
    offlineIo: async (filename, line) => ioReply(live().offlineIo(filename, imageFormat(setup, filename), line)),
    storedBitmaps: async (filename) => live().storedBitmaps(filename),
    close: async () => {
      closed = true;
    },
  };
}

/** A failed read -P shows the runs it saw, up to the limit the QEMU backend has too. */
function ioReply(r: QemuIoResult): IoReply {
  if (r.ok || r.holds === undefined) return r.ok ? r : { ok: false, message: r.message };
  const first = r.holds[0];
  const last = r.holds.at(-1);
  const length = first === undefined || last === undefined ? 0 : last.end - first.start;
  if (length > DATA_SHOW_LIMIT) return { ok: false, message: r.message, holds: 'too-large' };
  return { ok: false, message: r.message, holds: r.holds.map((run) => ({ offset: run.start, length: run.end - run.start, byte: run.byte })) };
}

/** The simulator runs `qemu-img bitmap` only. */
function qemuImg(sim: Simulator, args: readonly string[]): IoReply {
  const [sub, ...rest] = args;
  if (sub !== 'bitmap') throw new Unsupported(`qemu-img ${sub ?? ''}: only 'bitmap' is simulated`);
  return sim.qemuImgBitmap(rest);
}

/** `qemu-img create` and the qemu-io lines of every image; returns what failed, if anything. */
function createImages(sim: Simulator, setup: Setup): string | undefined {
  for (const image of setup.images) {
    const created = createImage(sim.images, {
      filename: image.filename,
      format: image.format,
      size: image.size,
      ...(image.clusterSize === undefined ? {} : { clusterSize: image.clusterSize }),
      ...(image.compat === undefined ? {} : { compat: image.compat }),
      ...(image.backing === undefined ? {} : { backingFile: image.backing.filename, backingFormat: image.backing.format }),
    });
    if (!created.ok) return `qemu-img create ${image.filename}: ${created.message}`;
    const filled = fillImage(sim, image);
    if (filled !== undefined) return filled;
  }
  return undefined;
}

/** The graph's commands as the QEMU backend sends them, less its throttle groups: the simulator has no such objects (a throttle node only names its group). */
function openGraph(sim: Simulator, setup: Setup): string | undefined {
  for (const [command, args] of graphCommands(setup, sim.images.directory)) {
    const reply = sim.qmp(command, args);
    if (isError(reply)) return `${command} ${JSON.stringify(args)}: ${reply.error.desc}`;
  }
  return undefined;
}

/** qemu-io on a closed image, all its lines in one run of the tool (which stores bitmaps on exit). */
function fillImage(sim: Simulator, image: ImageSpec): string | undefined {
  if (image.data.length === 0) return undefined;
  const r = sim.offlineIo(image.filename, image.format, image.data);
  return r.ok ? undefined : `qemu-io ${image.filename}: ${r.message}`;
}
