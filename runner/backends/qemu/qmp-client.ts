/**
 * A QMP client over a unix socket (docs/interop/qmp-spec.txt): read the greeting, negotiate
 * qmp_capabilities, then send commands with ids and match each reply to its command by id.
 * Asynchronous events are queued until taken. Nothing here throws: a QMP error is a QmpReply
 * value, and a lost connection, a time-out or a malformed line is a `QmpLost` value naming why.
 */
import { connect, type Socket } from 'node:net';
import type { QmpEvent, QmpReply } from '../../../src/qmp/reply.ts';

/** The connection is unusable: QEMU died, closed the socket, or did not answer in time. */
export interface QmpLost {
  readonly lost: string;
}

export function isLost(value: unknown): value is QmpLost {
  return typeof value === 'object' && value !== null && 'lost' in value;
}

interface Pending {
  readonly resolve: (reply: QmpReply | QmpLost) => void;
  readonly timer: NodeJS.Timeout;
}

export class QmpClient {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private readonly events: QmpEvent[] = [];
  private eventWaiters: (() => void)[] = [];
  private closedReason: string | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => this.fail('QMP connection closed'));
    socket.on('error', (e) => this.fail(`QMP socket error: ${e.message}`));
  }

  /** Connects, checks the greeting and leaves capability negotiation mode. */
  static async open(path: string, timeoutMs: number): Promise<QmpClient | QmpLost> {
    const socket = await connectOnce(path, timeoutMs);
    if (isLost(socket)) return socket;
    const greeting = await readLine(socket, timeoutMs);
    if (isLost(greeting)) return greeting;
    if (!('QMP' in parseObject(greeting))) {
      socket.destroy();
      return { lost: `not a QMP greeting: ${greeting.slice(0, 200)}` };
    }
    const client = new QmpClient(socket);
    const caps = await client.execute('qmp_capabilities', undefined, timeoutMs);
    if (isLost(caps)) return caps;
    if ('error' in caps) return { lost: `qmp_capabilities failed: ${caps.error.desc}` };
    return client;
  }

  /** Sends one command and waits for its reply (matched by id) at most `timeoutMs`. */
  execute(command: string, args: Readonly<Record<string, unknown>> | undefined, timeoutMs: number): Promise<QmpReply | QmpLost> {
    if (this.closedReason !== undefined) return Promise.resolve({ lost: this.closedReason });
    const id = `dirtysim-${this.nextId++}`;
    const message = args === undefined ? { execute: command, id } : { execute: command, arguments: args, id };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ lost: `no reply to ${command} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Events received since the last call, oldest first. */
  takeEvents(): QmpEvent[] {
    return this.events.splice(0);
  }

  /** Removes and returns the first queued event that satisfies `match`, waiting for it. */
  async waitForEvent(match: (e: QmpEvent) => boolean, timeoutMs: number): Promise<QmpEvent | QmpLost> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex(match);
      if (index >= 0) return this.events.splice(index, 1)[0] as QmpEvent;
      if (this.closedReason !== undefined) return { lost: this.closedReason };
      const left = deadline - Date.now();
      if (left <= 0) return { lost: `event not seen within ${timeoutMs} ms` };
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, left);
        this.eventWaiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  get lostReason(): string | undefined {
    return this.closedReason;
  }

  close(): void {
    this.fail('QMP connection closed by the client');
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== '') this.onMessage(parseObject(line), line);
    }
  }

  private onMessage(message: Record<string, unknown>, line: string): void {
    if (typeof message['event'] === 'string') {
      // Timestamps are dropped: they are the one part of an event that never compares equal.
      const data = message['data'];
      this.events.push({ event: message['event'], data: isRecord(data) ? data : {} });
      this.wakeEventWaiters();
      return;
    }
    const id = typeof message['id'] === 'string' ? message['id'] : undefined;
    const waiter = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || waiter === undefined) return; // a reply to a command that timed out
    this.pending.delete(id);
    clearTimeout(waiter.timer);
    if ('return' in message) waiter.resolve({ return: message['return'] });
    else if (isRecord(message['error'])) waiter.resolve({ error: message['error'] as never });
    else waiter.resolve({ lost: `malformed QMP reply: ${line.slice(0, 200)}` });
  }

  private fail(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const { resolve, timer } of this.pending.values()) {
      clearTimeout(timer);
      resolve({ lost: reason });
    }
    this.pending.clear();
    this.wakeEventWaiters();
  }

  private wakeEventWaiters(): void {
    const waiters = this.eventWaiters;
    this.eventWaiters = [];
    for (const wake of waiters) wake();
  }
}

function connectOnce(path: string, timeoutMs: number): Promise<Socket | QmpLost> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ lost: `connecting to ${path} timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      resolve({ lost: `cannot connect to ${path}: ${e.message}` });
    });
  });
}

/** Reads exactly one line (the greeting) before the client takes the socket over. */
function readLine(socket: Socket, timeoutMs: number): Promise<string | QmpLost> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (value: string | QmpLost): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      if (isLost(value)) socket.destroy();
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      // QEMU sends nothing more until it receives a command, so the greeting line is all there is.
      finish(text.slice(0, newline));
    };
    const onClose = (): void => finish({ lost: 'QMP connection closed before the greeting' });
    const timer = setTimeout(() => finish({ lost: `no QMP greeting within ${timeoutMs} ms` }), timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

function parseObject(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
