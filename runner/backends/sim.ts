/**
 * The in-process simulator as a Backend. A session builds the Setup the way a harness builds
 * QEMU's: `qemu-img create` for every image, qemu-io on each closed image, then blockdev-add
 * and device_add over QMP, so the simulator sees exactly the commands real QEMU would.
 */
import { createImage } from '../../src/image/create.ts';
import { isError } from '../../src/qmp/reply.ts';
import { Simulator } from '../../src/simulator.ts';
import { Unsupported } from '../execute/unsupported.ts';
import type { Backend, BackendSession, ImageSpec, Setup } from './backend.ts';

export function simBackend(): Backend {
  return {
    name: 'sim',
    describe: async () => 'simulator (in-process)',
    open: async (setup) => openSession(setup),
  };
}

async function openSession(setup: Setup): Promise<BackendSession> {
  const sim = new Simulator({ semantics: setup.semantics });
  const failed = build(sim, setup);
  // A setup the simulator refuses is a broken backend for this case, reported at the case.
  if (failed !== undefined) throw new Error(failed);
  let closed = false;
  const live = () => {
    if (closed) throw new Error('the simulator session is closed');
    return sim;
  };
  return {
    qmp: async (command, args) => live().qmp(command, args ?? {}),
    io: async (target, line) => live().io(target, line),
    observe: async () => live().observe(),
    takeEvents: async () => live().takeEvents(),
    // The core does not model a clean quit or power loss (bitmap store on close) yet.
    restart: async () => Promise.reject(new Unsupported('restart: not supported yet by the simulator')),
    crash: async () => Promise.reject(new Unsupported('crash: not supported yet by the simulator')),
    close: async () => {
      closed = true;
    },
  };
}

/** Images, their data, then the graph; returns what failed, if anything. */
function build(sim: Simulator, setup: Setup): string | undefined {
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
  const commands: [string, Readonly<Record<string, unknown>>][] = [
    ...setup.blockdevs.map((args): [string, Readonly<Record<string, unknown>>] => ['blockdev-add', args]),
    ...setup.devices.map(({ id, drive }): [string, Readonly<Record<string, unknown>>] => ['device_add', { driver: 'virtio-blk-pci', id, drive }]),
  ];
  for (const [command, args] of commands) {
    const reply = sim.qmp(command, args);
    if (isError(reply)) return `${command} ${JSON.stringify(args)}: ${reply.error.desc}`;
  }
  return undefined;
}

/**
 * qemu-io on a closed image: a scratch simulator over the same host files opens the image alone
 * (with its backing chain, as qemu-io does) and runs the lines, then is dropped.
 */
function fillImage(sim: Simulator, image: ImageSpec): string | undefined {
  if (image.data.length === 0) return undefined;
  const scratch = new Simulator({ semantics: sim.semantics, images: sim.images });
  const opened = scratch.qmp('blockdev-add', { driver: image.format, 'node-name': 'image', file: { driver: 'file', filename: image.filename } });
  if (isError(opened)) return `qemu-io ${image.filename}: ${opened.error.desc}`;
  for (const line of image.data) {
    const r = scratch.io('image', line);
    if (!r.ok) return `qemu-io ${image.filename} -c '${line}': ${r.message}`;
  }
  return undefined;
}
