import { describe, expect, it } from 'vitest';
import { stepText } from './step-text.ts';

const FILE = ['steps:', '  - transaction:', '      actions:', '        - { type: abort, data: {} }', '    expect-error: { desc: x }', '  - io: disk write 0 4K', ''].join('\n');

function spanOf(text: string, from: string, to: string) {
  const start = FILE.indexOf(from);
  const line = FILE.slice(0, start).split('\n').length;
  const col = start - FILE.lastIndexOf('\n', start - 1);
  return { file: 'f.yaml', start, end: FILE.indexOf(to), line, col, sourceLine: '' };
}

describe('stepText', () => {
  it('gives the step as written, continuation lines dedented by the step column', () => {
    expect(stepText(spanOf(FILE, 'transaction:', '  - io:'), () => FILE)).toBe(
      ['transaction:', '  actions:', '    - { type: abort, data: {} }', 'expect-error: { desc: x }'].join('\n'),
    );
  });

  it('is undefined when the file cannot be read', () => {
    expect(stepText(spanOf(FILE, 'io:', '\n'), () => undefined)).toBeUndefined();
  });
});
