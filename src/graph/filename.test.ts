/**
 * File names as query-named-block-nodes printed them on 7.2.22 (QEMU's working directory holding
 * the images, opened by relative names). Each expectation is a probed string.
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import { Simulator } from '../simulator.ts';

function sim(): Simulator {
  const s = new Simulator();
  createImage(s.images, { filename: 'base.qcow2', format: 'qcow2', size: 1 << 20 });
  createImage(s.images, { filename: 'mid.qcow2', format: 'qcow2', backingFile: 'base.qcow2', backingFormat: 'qcow2' });
  createImage(s.images, { filename: 'top.qcow2', format: 'qcow2', backingFile: 'mid.qcow2', backingFormat: 'qcow2' });
  return s;
}

const qcow2 = (name: string, filename: string, more: Record<string, unknown> = {}) => ({
  driver: 'qcow2', 'node-name': name, file: { driver: 'file', filename }, ...more,
});

function add(s: Simulator, ...nodes: Record<string, unknown>[]): void {
  for (const n of nodes) expect(s.qmp('blockdev-add', n)).toEqual({ return: {} });
}

/** node-name -> [file, backing_file] for the named nodes. */
function files(s: Simulator): Record<string, [string, string | undefined]> {
  const reply = s.qmp('query-named-block-nodes');
  if (!('return' in reply)) throw new Error(JSON.stringify(reply));
  const list = reply.return as { 'node-name': string; file: string; backing_file?: string }[];
  return Object.fromEntries(list.filter((n) => !n['node-name'].startsWith('#')).map((n) => [n['node-name'], [n.file, n.backing_file]]));
}

const MID_JSON =
  'json:{"backing": {"driver": "qcow2", "file": {"driver": "file", "filename": "./base.qcow2"}}, "driver": "qcow2", "file": {"driver": "file", "filename": "mid.qcow2"}}';

describe('bdrv_refresh_filename', () => {
  it('explicit backing opened by the header\'s own name is not overridden: plain names', () => {
    const s = sim();
    add(s, qcow2('base', 'base.qcow2'), qcow2('mid', 'mid.qcow2', { backing: 'base' }));
    expect(files(s)).toEqual({ base: ['base.qcow2', undefined], mid: ['mid.qcow2', 'base.qcow2'] });
  });

  it('explicit backing whose file name differs from the header\'s is overridden: json with the backing', () => {
    const s = sim();
    add(s, qcow2('base', './base.qcow2'), qcow2('mid', 'mid.qcow2', { backing: 'base' }));
    expect(files(s)).toEqual({ base: ['./base.qcow2', undefined], mid: [MID_JSON, './base.qcow2'] });
    // An overlay of an overridden node is overridden too, its json nesting the whole chain.
    add(s, qcow2('top', 'top.qcow2', { backing: 'mid' }));
    expect(files(s)['top']?.[0]).toBe(`json:{"backing": ${MID_JSON.slice(5)}, "driver": "qcow2", "file": {"driver": "file", "filename": "top.qcow2"}}`);
  });

  it('backing: null over a header naming one is overridden', () => {
    const s = sim();
    add(s, qcow2('mid', 'mid.qcow2', { backing: null }));
    expect(files(s)['mid']?.[0]).toBe('json:{"backing": null, "driver": "qcow2", "file": {"driver": "file", "filename": "mid.qcow2"}}');
  });

  it('a chain opened from the header names its implicit nodes relative to the overlay', () => {
    const s = sim();
    add(s, qcow2('top', './top.qcow2'));
    const reply = s.qmp('query-named-block-nodes');
    const list = 'return' in reply ? (reply.return as { drv: string; file: string; backing_file?: string }[]) : [];
    expect(list.filter((n) => n.drv === 'qcow2').map((n) => [n.file, n.backing_file]).sort()).toEqual([
      ['./base.qcow2', undefined],
      ['./mid.qcow2', './base.qcow2'],
      ['./top.qcow2', './mid.qcow2'],
    ]);
  });

  it('other drivers as 7.2.22 names them', () => {
    const s = sim();
    add(
      s,
      { driver: 'null-co', 'node-name': 'n1', size: 1048576, 'read-zeroes': true },
      { driver: 'null-co', 'node-name': 'n2' },
      { driver: 'raw', 'node-name': 'r', file: { driver: 'file', filename: 'base.qcow2' } },
      { driver: 'blkdebug', 'node-name': 'dbg', image: 'n1', 'inject-error': [{ event: 'read_aio' }] },
      { driver: 'blkdebug', 'node-name': 'dbg2', image: { driver: 'null-co' } },
      qcow2('w', 'top.qcow2', { backing: null }),
      { driver: 'copy-on-read', 'node-name': 'cor', file: 'r' },
    );
    add(s, { driver: 'throttle', 'node-name': 'thr', file: 'n2', 'throttle-group': 'tg' });
    const f = files(s);
    expect(f['n1']?.[0]).toBe('json:{"read-zeroes": true, "driver": "null-co", "size": 1048576}');
    expect(f['n2']?.[0]).toBe('null-co://');
    expect(f['r']?.[0]).toBe('base.qcow2');
    expect(f['dbg']?.[0]).toBe('json:{"image": {"read-zeroes": true, "driver": "null-co", "size": 1048576}, "driver": "blkdebug", "inject-error.0.event": "read_aio"}');
    expect(f['dbg2']?.[0]).toBe('blkdebug::null-co://');
    expect(f['cor']?.[0]).toBe('json:{"driver": "copy-on-read", "file": {"driver": "raw", "file": {"driver": "file", "filename": "base.qcow2"}}}');
    expect(f['thr']?.[0]).toBe('json:{"throttle-group": "tg", "driver": "throttle", "file": {"driver": "null-co"}}');
  });
});
