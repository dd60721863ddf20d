/**
 * Text arriving on a child's stdout or stderr, consumed in segments that end at a marker line.
 * QEMU prints HMP qemu-io output on its own stdout (reference 1.7), so the session reads it here
 * after each command; a marker printed right after the command delimits that command's output.
 */
import type { Readable } from 'node:stream';
import type { QmpLost } from './qmp-client.ts';

const LOG_LIMIT = 64 * 1024;

export class OutputBuffer {
  private pending = '';
  private log = '';
  private ended = false;
  private waiters: (() => void)[] = [];

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.pending += chunk;
      // Keep only the tail for error messages; a long session must not grow without bound.
      this.log = (this.log + chunk).slice(-LOG_LIMIT);
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Everything seen so far (its last 64 KiB), for error messages. */
  get text(): string {
    return this.log;
  }

  /** Waits for a line equal to `marker`; returns the text before it and consumes both. */
  async takeThrough(marker: string, timeoutMs: number): Promise<string | QmpLost> {
    const deadline = Date.now() + timeoutMs;
    const needle = `${marker}\n`;
    for (;;) {
      const at = lineStart(this.pending, needle);
      if (at >= 0) {
        const before = this.pending.slice(0, at);
        this.pending = this.pending.slice(at + needle.length);
        return before;
      }
      if (this.ended) return { lost: `output ended before '${marker}'` };
      const left = deadline - Date.now();
      if (left <= 0) return { lost: `'${marker}' not printed within ${timeoutMs} ms` };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Where `line` (with its newline) starts as a whole line in `text`, or -1. */
function lineStart(text: string, line: string): number {
  if (text.startsWith(line)) return 0;
  const i = text.indexOf(`\n${line}`);
  return i < 0 ? -1 : i + 1;
}
