/**
 * Makes a session's image files before QEMU starts: `qemu-img create` per ImageSpec, in order (a
 * backing file precedes its overlays), then the spec's qemu-io lines on the closed image.
 * Backing file names stay relative, so the chain resolves inside the session directory.
 */
import type { ImageSpec } from '../backend.ts';
import { ioReply } from './qemu-io-output.ts';
import { runTool } from './tool.ts';

/** `qemu-img create` arguments for one image (run in the session directory). */
export function createArgs(image: ImageSpec): string[] {
  const args = ['create', '-q', '-f', image.format];
  if (image.backing !== undefined) args.push('-b', image.backing.filename, '-F', image.backing.format);
  const options = [
    ...(image.clusterSize === undefined ? [] : [`cluster_size=${image.clusterSize}`]),
    ...(image.compat === undefined ? [] : [`compat=${image.compat}`]),
  ];
  if (options.length > 0) args.push('-o', options.join(','));
  args.push(image.filename, String(image.size));
  return args;
}

async function createImage(dir: string, image: ImageSpec): Promise<string | undefined> {
  const created = await runTool('qemu-img', createArgs(image), dir);
  if (!created.ok) return created.message;
  if (image.data.length === 0) return undefined;
  const io = await runTool('qemu-io', ['-f', image.format, ...image.data.flatMap((line) => ['-c', line]), image.filename], dir);
  const reply = ioReply(io.stdout);
  if (!reply.ok) return `qemu-io on ${image.filename}: ${reply.message}`;
  return io.ok ? undefined : io.message;
}

/** Creates every image; the first failure is returned as a message. */
export async function createImages(dir: string, images: readonly ImageSpec[]): Promise<string | undefined> {
  for (const image of images) {
    const failure = await createImage(dir, image);
    if (failure !== undefined) return failure;
  }
  return undefined;
}
