/** What the CLI touches of the outside world, so tests can run main() in-process. */
import type { Resolved } from './backend-registry.ts';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colour is only for terminals). */
  readonly isTTY: boolean;
  readonly resolveBackends: (choice: string) => Promise<Resolved>;
}
