/**
 * The host tools a scenario can run on the session's image files while QEMU runs: `qemu-img`
 * (its stderr is the step's error text), `qemu-io` on an image file, and the stored bitmap
 * directory as `qemu-img info -U --output=json` reports it (-U: QEMU may hold the image).
 */
import type { IoReply, StoredBitmapInfo } from '../backend.ts';
import { ioReply } from './qemu-io-output.ts';
import { runTool } from './tool.ts';

export async function qemuImg(dir: string, args: readonly string[]): Promise<IoReply> {
  const r = await runTool('qemu-img', args, dir);
  return r.ok ? { ok: true } : { ok: false, message: r.stderr.trim() || r.message };
}

/** `qemu-io -f FORMAT -c LINE FILE`; a failure to open is qemu-io's stderr without its prefix. */
export async function offlineIo(dir: string, file: string, format: string, line: string): Promise<IoReply> {
  const r = await runTool('qemu-io', ['-f', format, '-c', line, file], dir);
  const reply = ioReply(r.stdout);
  if (!reply.ok || r.ok) return reply;
  return { ok: false, message: r.stderr.trim().replace(/^qemu-io: /, '') || r.message };
}

export async function storedBitmaps(dir: string, file: string): Promise<readonly StoredBitmapInfo[] | undefined> {
  const r = await runTool('qemu-img', ['info', '-U', '--output=json', file], dir);
  if (!r.ok) return undefined;
  return parseInfoBitmaps(r.stdout);
}

/** format-specific.data.bitmaps of qemu-img info's JSON; [] when the image has none. */
export function parseInfoBitmaps(json: string): StoredBitmapInfo[] {
  const info = JSON.parse(json) as { 'format-specific'?: { data?: { bitmaps?: StoredBitmapInfo[] } } };
  return (info['format-specific']?.data?.bitmaps ?? []).map((b) => ({ name: b.name, granularity: b.granularity, flags: b.flags }));
}
