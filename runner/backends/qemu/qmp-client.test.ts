import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLost, QmpClient } from './qmp-client.ts';

type Handler = (message: Record<string, unknown>, send: (value: unknown) => void, socket: Socket) => void;

/** A fake QMP server: sends a greeting, answers qmp_capabilities, then hands lines to `handler`. */
function fakeServer(path: string, handler: Handler, greeting: unknown = { QMP: { version: {}, capabilities: [] } }): Promise<Server> {
  const server = createServer((socket) => {
    const send = (value: unknown): void => void socket.write(`${JSON.stringify(value)}\n`);
    send(greeting);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
        buffer = buffer.slice(newline + 1);
        if (message['execute'] === 'qmp_capabilities') send({ return: {}, id: message['id'] });
        else handler(message, send, socket);
      }
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

describe('QmpClient against a fake server', () => {
  let dir: string;
  let server: Server | undefined;
  let client: QmpClient | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dirtysim-qmp-test-'));
  });
  afterEach(async () => {
    client?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  async function openWith(handler: Handler): Promise<QmpClient> {
    server = await fakeServer(join(dir, 'qmp.sock'), handler);
    const opened = await QmpClient.open(join(dir, 'qmp.sock'), 1000);
    if (isLost(opened)) throw new Error(opened.lost);
    client = opened;
    return opened;
  }

  it('matches replies to commands by id even when they arrive out of order', async () => {
    const held: Record<string, unknown>[] = [];
    const c = await openWith((message, send) => {
      held.push(message);
      if (held.length < 2) return;
      // Answer the second command first.
      for (const m of held.reverse()) send({ return: { echo: m['execute'], args: m['arguments'] ?? null }, id: m['id'] });
    });
    const [a, b] = await Promise.all([c.execute('first', { x: 1 }, 1000), c.execute('second', undefined, 1000)]);
    expect(a).toEqual({ return: { echo: 'first', args: { x: 1 } } });
    expect(b).toEqual({ return: { echo: 'second', args: null } });
  });

  it('returns a QMP error as a value', async () => {
    const c = await openWith((m, send) =>
      send({ error: { class: 'GenericError', desc: "Dirty bitmap 'nope' not found" }, id: m['id'] }),
    );
    expect(await c.execute('block-dirty-bitmap-clear', { node: 'n0', name: 'nope' }, 1000)).toEqual({
      error: { class: 'GenericError', desc: "Dirty bitmap 'nope' not found" },
    });
  });

  it('queues events without their timestamps, oldest first', async () => {
    const c = await openWith((m, send) => {
      send({ timestamp: { seconds: 1, microseconds: 2 }, event: 'JOB_STATUS_CHANGE', data: { id: 'j', status: 'created' } });
      send({ timestamp: { seconds: 1, microseconds: 3 }, event: 'BLOCK_JOB_READY', data: { device: 'j' } });
      send({ return: {}, id: m['id'] });
    });
    await c.execute('block-stream', {}, 1000);
    expect(c.takeEvents()).toEqual([
      { event: 'JOB_STATUS_CHANGE', data: { id: 'j', status: 'created' } },
      { event: 'BLOCK_JOB_READY', data: { device: 'j' } },
    ]);
    expect(c.takeEvents()).toEqual([]);
  });

  it('waits for a matching event and leaves the others queued', async () => {
    const c = await openWith((m, send) => {
      send({ return: {}, id: m['id'] });
      setTimeout(() => {
        send({ event: 'OTHER', data: {} });
        send({ event: 'BLOCK_EXPORT_DELETED', data: { id: 'e' } });
      }, 20);
    });
    await c.execute('block-export-del', { id: 'e' }, 1000);
    expect(await c.waitForEvent((e) => e.event === 'BLOCK_EXPORT_DELETED', 1000)).toEqual({
      event: 'BLOCK_EXPORT_DELETED',
      data: { id: 'e' },
    });
    expect(c.takeEvents()).toEqual([{ event: 'OTHER', data: {} }]);
    expect(await c.waitForEvent((e) => e.event === 'NEVER', 30)).toEqual({ lost: 'event not seen within 30 ms' });
  });

  it('times out a command that gets no reply', async () => {
    const c = await openWith(() => undefined);
    expect(await c.execute('stuck', undefined, 50)).toEqual({ lost: 'no reply to stuck within 50 ms' });
  });

  it('reports the connection as lost when the server goes away mid-command', async () => {
    const c = await openWith((_m, _send, socket) => socket.destroy());
    const reply = await c.execute('quit', undefined, 1000);
    expect(isLost(reply)).toBe(true);
    expect(isLost(await c.execute('after', undefined, 1000))).toBe(true);
    expect(c.lostReason).toMatch(/closed/);
  });

  it('refuses a server that does not greet with QMP', async () => {
    server = await fakeServer(join(dir, 'qmp.sock'), () => undefined, { hello: 1 });
    const opened = await QmpClient.open(join(dir, 'qmp.sock'), 1000);
    expect(opened).toEqual({ lost: 'not a QMP greeting: {"hello":1}' });
  });

  it('fails with a reason when nothing listens', async () => {
    const opened = await QmpClient.open(join(dir, 'absent.sock'), 200);
    expect(isLost(opened) && opened.lost).toMatch(/cannot connect to .*absent\.sock/);
  });
});
