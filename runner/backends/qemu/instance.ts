/**
 * One running QEMU with its QMP connection. With guest devices it is started as
 * `-M pc -S -accel tcg` (a PCI bus for virtio-blk-pci and the SCSI controller; -S so the guest
 * never runs), otherwise as `-M none`, which has no bus. Sessions always ask for devices, since a
 * scenario's device_add may come at any step; the start costs about 4 ms more.
 * qemu-storage-daemon is not used: it has no HMP, and HMP `qemu-io` is the only way to issue
 * guest I/O into a running QEMU.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { QmpEvent, QmpReply } from '../../../src/qmp/reply.ts';
import { isLost, QmpClient, type QmpLost } from './qmp-client.ts';
import { describeExit, QemuProcess } from './qemu-process.ts';

export interface InstanceOptions {
  /** qemu-system-x86_64 or a path to it. */
  readonly binary: string;
  /** The longest wait for any one thing: start, a reply, an exit. */
  readonly timeoutMs: number;
}

function qemuArgs(qmpSocket: string, withDevices: boolean): string[] {
  const machine = withDevices ? ['-M', 'pc', '-S', '-accel', 'tcg'] : ['-M', 'none'];
  return [...machine, '-nodefaults', '-display', 'none', '-qmp', `unix:${qmpSocket},server=on,wait=off`];
}

export class QemuInstance {
  private constructor(
    readonly process: QemuProcess,
    private readonly client: QmpClient,
    private readonly timeoutMs: number,
  ) {}

  /** Starts QEMU in `dir` and completes the QMP handshake, or says why it could not. */
  static async start(dir: string, withDevices: boolean, options: InstanceOptions): Promise<QemuInstance | QmpLost> {
    const socket = join(dir, 'qmp.sock');
    rmSync(socket, { force: true }); // a killed QEMU leaves its socket file behind
    const child = QemuProcess.spawn(options.binary, qemuArgs(socket, withDevices), dir);
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const exit = child.exitStatus;
      if (exit !== undefined) return { lost: `QEMU exited (${describeExit(exit)}) during start-up: ${child.stderrTail()}` };
      const client = await QmpClient.open(socket, Math.max(deadline - Date.now(), 1));
      if (!isLost(client)) return new QemuInstance(child, client, options.timeoutMs);
      // Until QEMU has bound its socket, connecting fails with ENOENT or ECONNREFUSED: retry.
      if (!/ENOENT|ECONNREFUSED/.test(client.lost) || Date.now() >= deadline) {
        await child.killAndWait(options.timeoutMs);
        return { lost: `${client.lost}${withStderr(child)}` };
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** A QMP command; a lost connection comes back with QEMU's exit status and stderr. */
  async execute(command: string, args?: Readonly<Record<string, unknown>>): Promise<QmpReply | QmpLost> {
    const reply = await this.client.execute(command, args, this.timeoutMs);
    return isLost(reply) ? this.explain(reply) : reply;
  }

  /** An HMP command line; its text reply (empty on success for qemu-io). */
  async hmp(commandLine: string): Promise<string | QmpLost> {
    const reply = await this.execute('human-monitor-command', { 'command-line': commandLine });
    if (isLost(reply)) return reply;
    if ('error' in reply) return { lost: `human-monitor-command failed: ${reply.error.desc}` };
    return typeof reply.return === 'string' ? reply.return : '';
  }

  takeEvents(): QmpEvent[] {
    return this.client.takeEvents();
  }

  async waitForEvent(match: (e: QmpEvent) => boolean): Promise<QmpEvent | QmpLost> {
    return this.client.waitForEvent(match, this.timeoutMs);
  }

  /** `quit` and wait for the exit, so qcow2 stores persistent bitmaps (reference 5.2); kills on time-out. */
  async quit(): Promise<QmpLost | undefined> {
    // The reply may be lost to the socket closing first; the exit status is what counts.
    await this.client.execute('quit', undefined, this.timeoutMs);
    const exit = await this.process.waitExit(this.timeoutMs);
    this.client.close();
    if (exit === undefined) {
      await this.process.killAndWait(this.timeoutMs);
      return { lost: `QEMU did not exit within ${this.timeoutMs} ms of quit` };
    }
    if (exit.code !== 0) return { lost: `QEMU quit with ${describeExit(exit)}${withStderr(this.process)}` };
    return undefined;
  }

  /** SIGKILL: nothing QEMU has not yet written survives (reference 5.3). */
  async kill(): Promise<void> {
    this.client.close();
    await this.process.killAndWait(this.timeoutMs);
  }

  private async explain(lost: QmpLost): Promise<QmpLost> {
    // Give a dying QEMU a moment so the message can say how it ended.
    const exit = await this.process.waitExit(200);
    const how = exit === undefined ? '' : ` (QEMU ended with ${describeExit(exit)})`;
    return { lost: `${lost.lost}${how}${withStderr(this.process)}` };
  }
}

function withStderr(p: QemuProcess): string {
  const tail = p.stderrTail();
  return tail === '' ? '' : `; QEMU stderr: ${tail}`;
}
