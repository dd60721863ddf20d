/**
 * A per-case time limit. A hung backend must become a `timeout` failure, not a hung run: the
 * race settles at the deadline whatever the backend does, and the caller then closes the session.
 */
export type Raced<T> = { readonly done: true; readonly value: T } | { readonly done: false };

export class Deadline {
  private readonly at: number;

  constructor(readonly ms: number) {
    this.at = performance.now() + ms;
  }

  async race<T>(work: Promise<T>): Promise<Raced<T>> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<Raced<T>>((resolve) => {
      timer = setTimeout(() => resolve({ done: false }), Math.max(0, this.at - performance.now()));
    });
    try {
      return await Promise.race([work.then((value) => ({ done: true as const, value })), expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
