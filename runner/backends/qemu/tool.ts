/**
 * Runs one of QEMU's command-line tools (qemu-img, qemu-io) to completion with a time-out.
 * The result is a value: the tool's exit code with its output, or why it did not finish.
 */
import { execFile } from 'node:child_process';

export type ToolResult =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly message: string; readonly stdout: string; readonly stderr: string };

export function runTool(binary: string, args: readonly string[], cwd: string, timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(binary, args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) return resolve({ ok: true, stdout, stderr });
      const why = error.killed ? `timed out after ${timeoutMs} ms` : (stderr.trim() || error.message);
      resolve({ ok: false, message: `${binary} ${args.join(' ')}: ${why}`, stdout, stderr });
    });
  });
}
