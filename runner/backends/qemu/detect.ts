/**
 * Whether QEMU is installed, and which version: the CLI and the tests skip the qemu backend with
 * an install hint when it is missing (and fail under CI=true, where it must be there).
 */
import { runTool } from './tool.ts';

export const INSTALL_HINT = 'apt-get install -y qemu-utils qemu-system-x86';

export type QemuDetection =
  | { readonly installed: true; readonly version: string; readonly description: string }
  | { readonly installed: false; readonly reason: string };

/** Runs `--version` of the emulator and of qemu-img (images and read-back need both). */
export async function detectQemu(binary = 'qemu-system-x86_64'): Promise<QemuDetection> {
  const [system, img] = await Promise.all([runTool(binary, ['--version'], '.'), runTool('qemu-img', ['--version'], '.')]);
  const missing = [!system.ok && binary, !img.ok && 'qemu-img'].filter((m) => m !== false);
  if (missing.length > 0) return { installed: false, reason: `${missing.join(' and ')} not found; install with: ${INSTALL_HINT}` };
  const version = /version (\d+\.\d+\.\d+)/.exec(system.ok ? system.stdout : '')?.[1];
  if (version === undefined) return { installed: false, reason: `cannot read the version from ${binary} --version` };
  return { installed: true, version, description: `QEMU ${version}` };
}
