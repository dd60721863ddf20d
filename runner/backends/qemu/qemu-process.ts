/**
 * One QEMU child process: spawned with piped stdout/stderr (HMP qemu-io prints on stdout, errors
 * on stderr), registered for last-resort cleanup, and killed or awaited with a time-out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { track } from './cleanup.ts';
import { OutputBuffer } from './output-buffer.ts';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class QemuProcess {
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;
  private exit: Exit | undefined;
  private readonly exited: Promise<Exit>;
  private readonly untrack: () => void;

  private constructor(private readonly child: ChildProcess) {
    this.stdout = new OutputBuffer(child.stdout!);
    this.stderr = new OutputBuffer(child.stderr!);
    this.exited = new Promise((resolve) => {
      const done = (exit: Exit): void => {
        this.exit ??= exit;
        this.untrack();
        resolve(this.exit);
      };
      child.once('exit', (code, signal) => done({ code, signal }));
      // A binary that cannot be started never emits 'exit'.
      child.once('error', () => done({ code: 127, signal: null }));
    });
    this.untrack = track({ releaseNow: () => this.kill() });
  }

  static spawn(binary: string, args: readonly string[], cwd: string): QemuProcess {
    return new QemuProcess(spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit status once the process has ended. */
  get exitStatus(): Exit | undefined {
    return this.exit;
  }

  /** The end of QEMU's stderr, for error messages. */
  stderrTail(lines = 20): string {
    return this.stderr.text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Resolves with the exit status, or undefined if the process is still running after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL; a no-op once the process has exited. */
  kill(): void {
    if (this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }

  /** Kills and waits for the exit to be reaped. */
  async killAndWait(timeoutMs: number): Promise<Exit | undefined> {
    this.kill();
    return this.waitExit(timeoutMs);
  }
}

/** Describes an exit for an error message: "exit code 1" or "signal SIGKILL". */
export function describeExit(exit: Exit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}
