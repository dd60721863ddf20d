/**
 * Test fixture: the chain the job probes used on QEMU 7.2, base <- mid <- top, 4M each, opened
 * with blockdev-add (monitor-owned), a guest device vda on top, and QMP through the dispatcher.
 * base has 0xaa at [0,1M) and 0xbb at [2M,3M); mid has 0xcc at [1M,1.5M); top is empty.
 */
import { BlockNode } from '../graph/node.ts';
import { createImage } from '../image/create.ts';
import { add, io, machineWith } from '../io/test-support.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { Machine, type Semantics } from '../machine.ts';
import { qmpCommands } from '../qmp/commands/index.ts';
import { dispatch } from '../qmp/dispatcher.ts';
import type { QmpReply } from '../qmp/reply.ts';
import { size } from '../size.ts';

export function chain(semantics: Semantics = 'qemu-7.2', sizes: { base?: string } = {}): Machine {
  const m = machineWith(semantics, [
    { filename: 'base.qcow2', format: 'qcow2', size: size(sizes.base ?? '4M') },
    { filename: 'mid.qcow2', format: 'qcow2', size: size('4M'), backingFile: 'base.qcow2', backingFormat: 'qcow2' },
    { filename: 'top.qcow2', format: 'qcow2', size: size('4M'), backingFile: 'mid.qcow2', backingFormat: 'qcow2' },
  ]);
  add(m, { driver: 'qcow2', 'node-name': 'base', file: { driver: 'file', filename: 'base.qcow2' } });
  io(m, 'base', 'write -P 0xaa 0 1M');
  if (size(sizes.base ?? '4M') >= size('3M')) io(m, 'base', 'write -P 0xbb 2M 1M');
  add(m, { driver: 'qcow2', 'node-name': 'mid', backing: 'base', file: { driver: 'file', filename: 'mid.qcow2' } });
  io(m, 'mid', 'write -P 0xcc 1M 512K');
  add(m, { driver: 'qcow2', 'node-name': 'top', backing: 'mid', file: { driver: 'file', filename: 'top.qcow2', 'node-name': 'top-file' } });
  m.graph.attachBackend({ kind: 'device', qdevId: 'vda', driver: 'virtio-blk-pci' }, node(m, 'top'));
  return m;
}

export function node(m: Machine, name: string): BlockNode {
  const n = m.graph.node(name);
  if (n === undefined) throw new Error(`no node ${name}`);
  return n;
}

export function qmp(m: Machine, command: string, args: Record<string, unknown> = {}): QmpReply {
  return dispatch(qmpCommands, m, command, args);
}

/** A qemu-io line through the guest device vda; throws on failure. */
export function guest(m: Machine, line: string): void {
  const vda = m.graph.device('vda');
  if (vda === undefined) throw new Error('no vda');
  const r = qemuIo(m, vda, line);
  if (!r.ok) throw new Error(r.message);
}

/** Events since the last call, JOB_STATUS_CHANGE shortened to its status. */
export function takeEvents(m: Machine): unknown[] {
  return m.events.splice(0).map((e) => (e.event === 'JOB_STATUS_CHANGE' ? e.data['status'] : e));
}

/** The guest data of a qcow2 node's own image (what it has allocated). */
export function imageData(m: Machine, filename: string): unknown {
  const image = m.images.get(filename);
  return image?.data.all();
}

/**
 * A restart's view of the images: quit `m`, open `filename` on a fresh machine over the same
 * images with no backing option (so the image headers decide the chain) and list the chain's files.
 */
export function chainAfterRestart(m: Machine, filename: string): (string | undefined)[] {
  m.quit();
  const next = new Machine(m.semantics, m.images);
  const files: (string | undefined)[] = [];
  for (let n: BlockNode | undefined = add(next, { driver: 'qcow2', file: { driver: 'file', filename } }); n !== undefined; n = n.child('backing')) {
    files.push(n.driver.filename(n));
  }
  return files;
}

/**
 * A second chain, c-base <- c-mid <- c-top, opened as top2 from c-top's header, so its backing
 * nodes are implicit. It has image files of its own: opening chain()'s files again would fail
 * on the image locks its nodes hold.
 */
export function headerChain(m: Machine): BlockNode {
  const files = [['c-base.qcow2'], ['c-mid.qcow2', 'c-base.qcow2'], ['c-top.qcow2', 'c-mid.qcow2']] as const;
  for (const [filename, backingFile] of files) {
    const backing = backingFile === undefined ? {} : { backingFile, backingFormat: 'qcow2' as const };
    const created = createImage(m.images, { filename, format: 'qcow2', size: size('4M'), ...backing });
    if (!created.ok) throw new Error(created.message);
  }
  return add(m, { driver: 'qcow2', 'node-name': 'top2', file: { driver: 'file', filename: 'c-top.qcow2' } });
}
