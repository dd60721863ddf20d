/**
 * bdrv_find_backing_image through block-stream's `base` and block-commit's `top`/`base`, with the
 * answers 7.2.22 gave for the same chains (QEMU's working directory holding the images).
 */
import { describe, expect, it } from 'vitest';
import { createImage } from '../image/create.ts';
import { Simulator } from '../simulator.ts';
import { chainAbove } from './chain.ts';

const MID_JSON =
  'json:{"backing": {"driver": "qcow2", "file": {"driver": "file", "filename": "./base.qcow2"}}, "driver": "qcow2", "file": {"driver": "file", "filename": "mid.qcow2"}}';

/** base <- mid <- top; `how` opens them explicitly (base as ./base.qcow2, so mid is overridden) or from top's header. */
function chain(how: 'explicit' | 'header'): Simulator {
  const s = new Simulator();
  createImage(s.images, { filename: 'base.qcow2', format: 'qcow2', size: 1 << 20 });
  createImage(s.images, { filename: 'mid.qcow2', format: 'qcow2', backingFile: 'base.qcow2', backingFormat: 'qcow2' });
  createImage(s.images, { filename: 'top.qcow2', format: 'qcow2', backingFile: 'mid.qcow2', backingFormat: 'qcow2' });
  const q = (name: string, filename: string, backing?: string) => ({
    driver: 'qcow2', 'node-name': name, file: { driver: 'file', filename }, ...(backing === undefined ? {} : { backing }),
  });
  const adds = how === 'explicit' ? [q('base', './base.qcow2'), q('mid', 'mid.qcow2', 'base'), q('top', 'top.qcow2', 'mid')] : [q('top', 'top.qcow2')];
  for (const a of adds) expect(s.qmp('blockdev-add', a)).toEqual({ return: {} });
  return s;
}

const refused = (desc: string) => ({ error: { class: 'GenericError', desc } });

describe('block-stream base: (bdrv_find_backing_image)', () => {
  const stream = (s: Simulator, base: string) => s.qmp('block-stream', { 'job-id': 's', device: 'top', base });

  it('below an overridden node only its exact file name matches', () => {
    expect(stream(chain('explicit'), 'base.qcow2')).toEqual(refused("Can't find 'base.qcow2' in the backing chain"));
    expect(stream(chain('explicit'), 'mid.qcow2')).toEqual(refused("Can't find 'mid.qcow2' in the backing chain"));
    expect(stream(chain('explicit'), './base.qcow2')).toEqual({ return: {} });
  });

  it('in a chain from the header, names resolve relative to the overlay by realpath', () => {
    expect(stream(chain('header'), 'base.qcow2')).toEqual({ return: {} });
    expect(stream(chain('header'), './base.qcow2')).toEqual({ return: {} });
    expect(stream(chain('header'), './/mid.qcow2')).toEqual({ return: {} });
    expect(stream(chain('header'), 'x/../mid.qcow2')).toEqual(refused("Can't find 'x/../mid.qcow2' in the backing chain"));
    expect(stream(chain('header'), 'top.qcow2')).toEqual(refused("Can't find 'top.qcow2' in the backing chain"));
    expect(stream(chain('header'), 'none.qcow2')).toEqual(refused("Can't find 'none.qcow2' in the backing chain"));
  });

  it('writes base\'s file name into the overlay header, not the argument (qemu-img info on 7.2.22)', () => {
    const s = chain('header');
    expect(stream(s, './base.qcow2')).toEqual({ return: {} });
    expect(s.advanceJob('s', 'settle')).toMatchObject({ ok: true, status: 'null' });
    expect(s.images.get('top.qcow2')).toMatchObject({ backingFile: 'base.qcow2' });
  });
});

describe('block-commit top: and base:', () => {
  const commit = (s: Simulator, args: Record<string, unknown>) => s.qmp('block-commit', { 'job-id': 'c', device: 'top', ...args });

  it('an overridden intermediate is found only by its json: name', () => {
    expect(commit(chain('explicit'), { top: 'mid.qcow2' })).toEqual(refused('Top image file mid.qcow2 not found'));
    expect(commit(chain('explicit'), { top: MID_JSON, base: 'base.qcow2' })).toEqual(refused("Can't find 'base.qcow2' in the backing chain"));
    expect(commit(chain('explicit'), { top: MID_JSON, 'base-node': 'base' })).toEqual({ return: {} });
  });

  it('a json: name is no name of a node opened from its header', () => {
    expect(commit(chain('header'), { top: 'mid.qcow2', base: 'base.qcow2' })).toEqual({ return: {} });
    expect(commit(chain('header'), { top: MID_JSON })).toEqual(refused(`Top image file ${MID_JSON} not found`));
  });

  it('the active layer by its own file name', () => {
    expect(commit(chain('header'), { top: 'top.qcow2' })).toEqual({ return: {} });
    expect(commit(chain('header'), { top: './top.qcow2' })).toEqual(refused('Top image file ./top.qcow2 not found'));
  });
});

describe('chainAbove', () => {
  it('lists top down to base, base excluded, and the whole chain without a base', () => {
    const s = chain('explicit');
    const [top, mid, base] = ['top', 'mid', 'base'].map((n) => s.machine.graph.node(n)!);
    expect(chainAbove(top, base).map((n) => n.nodeName)).toEqual(['top', 'mid']);
    expect(chainAbove(top, undefined).map((n) => n.nodeName)).toEqual(['top', 'mid', 'base']);
    expect(chainAbove(mid, mid)).toEqual([]);
  });
});
