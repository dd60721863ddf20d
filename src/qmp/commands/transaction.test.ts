import { beforeEach, describe, expect, it } from 'vitest';
import { findDirtyBitmap } from '../../bitmaps/node-bitmaps.ts';
import { addQcow2 } from '../../bitmaps/test-machine.ts';
import type { BlockNode } from '../../graph/node.ts';
import { Machine } from '../../machine.ts';
import { size } from '../../size.ts';
import { dispatch } from '../dispatcher.ts';
import { bitmapActions, bitmapCommands } from './bitmap.ts';
import { abortAction, transactionCommand } from './transaction.ts';

const table = { ...bitmapCommands, transaction: transactionCommand({ abort: abortAction, ...bitmapActions }) };
let m: Machine;
let n0: BlockNode;
const qmp = (command: string, args: Record<string, unknown>) => dispatch(table, m, command, args);
const tx = (...actions: [string, Record<string, unknown>][]) => qmp('transaction', { actions: actions.map(([type, data]) => ({ type, data })) });
const err = (desc: string) => ({ error: { class: 'GenericError', desc } });
/** Everything observable about the node's bitmaps. */
const state = () => n0.dirtyBitmaps.map((b) => ({ name: b.name, recording: b.recording, busy: b.busy, sha256: b.sha256() }));

beforeEach(() => {
  m = new Machine();
  n0 = addQcow2(m, 'n0', size('8M'));
  qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b0' });
  qmp('block-dirty-bitmap-add', { node: 'n0', name: 'b1', disabled: true });
  findDirtyBitmap(n0, 'b0')?.markDirty(0, size('1M'));
  findDirtyBitmap(n0, 'b1')?.contents?.set(size('4M'), 1);
});

describe('transaction', () => {
  it('applies each prepare in order, so later actions see earlier ones', () => {
    expect(tx(['block-dirty-bitmap-add', { node: 'n0', name: 'new' }], ['block-dirty-bitmap-clear', { node: 'n0', name: 'new' }],
      ['block-dirty-bitmap-merge', { node: 'n0', target: 'new', bitmaps: ['b0'] }], ['block-dirty-bitmap-disable', { node: 'n0', name: 'new' }],
    )).toEqual({ return: {} });
    const added = findDirtyBitmap(n0, 'new');
    expect([added?.count, added?.recording]).toEqual([size('1M'), false]);
  });

  it('accepts an empty list', () => {
    expect(tx()).toEqual({ return: {} });
  });

  // Each action kind changes state in prepare; the trailing abort must undo it exactly.
  it.each([
    ['block-dirty-bitmap-add', { node: 'n0', name: 'x' }],
    ['block-dirty-bitmap-clear', { node: 'n0', name: 'b0' }],
    ['block-dirty-bitmap-merge', { node: 'n0', target: 'b0', bitmaps: ['b1'] }],
    ['block-dirty-bitmap-enable', { node: 'n0', name: 'b1' }],
    ['block-dirty-bitmap-disable', { node: 'n0', name: 'b0' }],
    ['block-dirty-bitmap-remove', { node: 'n0', name: 'b0' }],
  ] as const)('rolls back %s', (type, data) => {
    const before = state();
    expect(tx([type, data], [type === 'block-dirty-bitmap-clear' ? 'block-dirty-bitmap-enable' : 'block-dirty-bitmap-clear', { node: 'n0', name: 'b1' }], ['abort', {}]))
      .toEqual(err('Transaction aborted using Abort action'));
    expect(state()).toEqual(before);
  });

  it('rolls back in reverse order: add then remove of the same bitmap', () => {
    const before = state();
    expect(tx(['block-dirty-bitmap-add', { node: 'n0', name: 'x' }], ['block-dirty-bitmap-remove', { node: 'n0', name: 'x' }], ['abort', {}]))
      .toEqual(err('Transaction aborted using Abort action'));
    expect(state()).toEqual(before);
  });

  it('commits remove only at the end: [remove b0, add b0] finds b0 still there', () => {
    expect(tx(['block-dirty-bitmap-remove', { node: 'n0', name: 'b0' }], ['block-dirty-bitmap-add', { node: 'n0', name: 'b0' }]))
      .toEqual(err('Bitmap already exists: b0'));
    expect(findDirtyBitmap(n0, 'b0')?.busy).toBe(false);
  });

  it('makes a removed bitmap busy until commit: [remove b0, clear b0] fails', () => {
    expect(tx(['block-dirty-bitmap-remove', { node: 'n0', name: 'b0' }], ['block-dirty-bitmap-clear', { node: 'n0', name: 'b0' }]))
      .toEqual(err("Bitmap 'b0' is currently in use by another operation and cannot be used"));
    expect(findDirtyBitmap(n0, 'b0')?.count).toBe(size('1M'));
  });

  it('removes on commit', () => {
    expect(tx(['block-dirty-bitmap-remove', { node: 'n0', name: 'b0' }])).toEqual({ return: {} });
    expect(n0.dirtyBitmaps.map((b) => b.name)).toEqual(['b1']);
  });

  it('refuses grouped completion for bitmap actions, after preparing the ones before', () => {
    const before = state();
    const reply = qmp('transaction', {
      actions: [{ type: 'abort', data: {} }],
      properties: { 'completion-mode': 'grouped' },
    });
    expect(reply).toEqual(err('Transaction aborted using Abort action'));
    expect(qmp('transaction', {
      actions: [{ type: 'block-dirty-bitmap-clear', data: { node: 'n0', name: 'b0' } }],
      properties: { 'completion-mode': 'grouped' },
    })).toEqual(err("Action 'block-dirty-bitmap-clear' does not support Transaction property completion-mode = grouped"));
    expect(state()).toEqual(before);
  });

  it('checks every action argument before preparing any (probed texts)', () => {
    const before = state();
    expect(tx(['block-dirty-bitmap-clear', { node: 'n0', name: 'b0' }], ['block-dirty-bitmap-add', { node: 'n0' }]))
      .toEqual(err("Parameter 'actions[1].data.name' is missing"));
    expect(state()).toEqual(before);
    expect(tx(['nope', {}])).toEqual(err("Parameter 'type' does not accept value 'nope'"));
    expect(qmp('transaction', { actions: [{ type: 'abort' }] })).toEqual(err("Parameter 'actions[0].data' is missing"));
    expect(tx(['abort', { x: 1 }])).toEqual(err("Parameter 'actions[0].data.x' is unexpected"));
    expect(qmp('transaction', {})).toEqual(err("Parameter 'actions' is missing"));
    expect(qmp('transaction', { actions: [], properties: { 'completion-mode': 'bogus' } }))
      .toEqual(err("Parameter 'completion-mode' does not accept value 'bogus'"));
  });
});
