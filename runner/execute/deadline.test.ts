import { describe, expect, it } from 'vitest';
import { Deadline } from './deadline.ts';

describe('Deadline', () => {
  it('passes a value through in time', async () => {
    expect(await new Deadline(1000).race(Promise.resolve(7))).toEqual({ done: true, value: 7 });
  });

  it('settles at the deadline when the work never does', async () => {
    const d = new Deadline(20);
    expect(await d.race(new Promise(() => {}))).toEqual({ done: false });
  });

  it('counts time across races: one budget per case', async () => {
    const d = new Deadline(30);
    await d.race(new Promise((r) => setTimeout(r, 25)));
    expect(await d.race(new Promise((r) => setTimeout(r, 25)))).toEqual({ done: false });
  });
});
