/**
 * `qemu-io -f FMT -c CMD file` on a closed image: open it as its format node over a file child,
 * with no devices and no bitmaps, run the command through the same request path, close. Used to
 * pre-fill scenario data. The scratch machine shares only the image store.
 */
import { blockdevAdd } from '../graph/open.ts';
import { Machine } from '../machine.ts';
import { qemuIo, type QemuIoResult } from '../io/qemu-io.ts';
import type { ImageStore } from './store.ts';

export function offlineQemuIo(images: ImageStore, filename: string, line: string): QemuIoResult {
  const image = images.get(filename);
  if (image === undefined) return { ok: false, message: `Could not open '${filename}': No such file or directory` };
  const scratch = new Machine('qemu-7.2', images);
  const opened = blockdevAdd(scratch, { driver: image.format, 'node-name': 'offline', file: { driver: 'file', filename } });
  if (!opened.ok) return { ok: false, message: opened.message };
  return qemuIo(scratch, opened.node, line);
}
