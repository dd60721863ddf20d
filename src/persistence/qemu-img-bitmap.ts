/**
 * `qemu-img bitmap` on a closed image (qemu-img.c:img_bitmap; reference 5.5). The tool opens the
 * image read-write through the block layer without its backing chain (so stored bitmaps load and
 * get in_use), runs each action as the QMP command of the same name on that node, and closes the
 * image, which stores the bitmaps, also after a failed action: earlier actions stay done.
 * Messages are qemu-img's stderr lines without the trailing newline.
 */
import type { BlockGraph } from '../graph/graph.ts';
import { hostToolLockError } from '../graph/image-lock.ts';
import { blockdevAdd } from '../graph/open.ts';
import type { BlockNode } from '../graph/node.ts';
import type { ImageStore } from '../image/store.ts';
import { Machine, type Semantics } from '../machine.ts';
import { bitmapCommands } from '../qmp/commands/bitmap.ts';
import { dispatch } from '../qmp/dispatcher.ts';
import { isError } from '../qmp/reply.ts';
import { parseBitmapArgs, type BitmapAction } from './qemu-img-bitmap-args.ts';

export type ToolResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** `running` is the graph of the QEMU instance whose image locks the tool meets. */
export function qemuImgBitmap(images: ImageStore, semantics: Semantics, args: readonly string[], running: BlockGraph): ToolResult {
  const parsed = parseBitmapArgs(args);
  if (!parsed.ok) return failed(parsed.message);
  const a = parsed.value;
  const tool = new Machine(semantics, images);
  const image = openImage(tool, images, a.filename, a.format, false, running);
  if (typeof image === 'string') return failed(image);
  let source: BlockNode = image;
  if (a.sourceFile !== undefined) {
    const opened = openImage(tool, images, a.sourceFile, a.sourceFormat, true, running);
    if (typeof opened === 'string') return closed(tool, failed(opened));
    source = opened;
  }
  for (const action of a.actions) {
    const [command, args] = qmpFor(action, image.nodeName, a.bitmap, a.granularity, source.nodeName);
    const reply = dispatch(bitmapCommands, tool, command, args);
    if (isError(reply)) return closed(tool, failed(`Operation ${action.op} on bitmap ${a.bitmap} failed: ${reply.error.desc}`));
  }
  return closed(tool, { ok: true });
}

function qmpFor(action: BitmapAction, node: string, name: string, granularity: number | undefined, sourceNode: string): [string, Record<string, unknown>] {
  switch (action.op) {
    case 'add':
      // qemu-img's --add makes a persistent, enabled bitmap; --disable is its own later action.
      return ['block-dirty-bitmap-add', { node, name, persistent: true, ...(granularity === undefined ? {} : { granularity }) }];
    case 'merge':
      return ['block-dirty-bitmap-merge', { node, target: name, bitmaps: [{ node: sourceNode, name: action.source }] }];
    default:
      return [`block-dirty-bitmap-${action.op}`, { node, name }];
  }
}

/**
 * img_open: the image (read-write) or the merge source (read-only), without backing files. A file
 * the running QEMU holds is refused by image locking (graph/image-lock.ts).
 */
function openImage(tool: Machine, images: ImageStore, filename: string, format: string | undefined, readOnly: boolean, running: BlockGraph): BlockNode | string {
  const image = images.get(filename);
  if (image === undefined) return `Could not open '${filename}': Could not open '${filename}': No such file or directory`;
  const driver = format ?? image.format;
  const locked = hostToolLockError(running, { filename: image.filename, path: filename, format: driver, readOnly });
  if (locked !== undefined) return `Could not open '${filename}': ${locked}`;
  const backing = driver === 'qcow2' ? { backing: null } : {};
  const opened = blockdevAdd(tool, { driver, 'read-only': readOnly, file: { driver: 'file', filename }, ...backing });
  return opened.ok ? opened.node : `Could not open '${filename}': ${opened.message}`;
}

function closed(tool: Machine, result: ToolResult): ToolResult {
  tool.quit();
  return result;
}

function failed(message: string): ToolResult {
  return { ok: false, message: `qemu-img: ${message}` };
}
