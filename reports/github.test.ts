import { describe, expect, it } from 'vitest';
import { data, prop } from './github.ts';

describe('GitHub workflow-command escaping', () => {
  it('escapes %, CR and LF in messages, percent first', () => {
    expect(data('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(data('%0A')).toBe('%250A');
  });

  it('also escapes : and , in properties', () => {
    expect(prop('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });
});
