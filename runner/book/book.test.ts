import { describe, expect, it } from 'vitest';
import type { ScenarioCase } from '../scenario/types.ts';
import { renderBook } from './book.ts';
import type { BookCase } from './collect.ts';

const span = { file: 'x', start: 0, end: 0, line: 1, col: 1, sourceLine: '' };

function bookCase(file: string, scenario: string, tags: string[], axes: Record<string, string> = {}): BookCase {
  const c: ScenarioCase = {
    file, scenario, axes, name: scenario, about: 'why', tags, semantics: 'qemu-7.2',
    setup: { images: [], blockdevs: [], devices: [], semantics: 'qemu-7.2' }, steps: [], span,
  };
  return { case: c, snapshots: [], confirmations: [{ backend: 'qemu', skipped: 'not asked' }] };
}

describe('renderBook', () => {
  const pages = renderBook(
    [
      bookCase('s/a/b-c.yaml', 'first', ['x']),
      bookCase('s/a/b/c.yaml', 'second', ['x', 'y']),
      bookCase('s/m/mat.yaml', 'matrix', [], { g: '4K' }),
      bookCase('s/m/mat.yaml', 'matrix', [], { g: '64K' }),
    ],
    () => undefined,
  );

  it('gives every scenario file its own page, even when names slug alike', () => {
    expect([...pages.keys()]).toEqual(['index.html', 'pages/s-a-b-c.html', 'pages/s-a-b-c-2.html', 'pages/s-m-mat.html']);
  });

  it('groups a matrix under one page and lists files by topic and tag', () => {
    expect(pages.get('pages/s-m-mat.html')?.match(/<section class="case"/g)?.length).toBe(2);
    const index = pages.get('index.html') ?? '';
    expect(index.match(/<h3 id="topic-[^"]*">[^<]*<\/h3>/g)).toEqual(['<h3 id="topic-a">a</h3>', '<h3 id="topic-b">b</h3>', '<h3 id="topic-m">m</h3>']);
    const tagX = index.slice(index.indexOf('id="tag-x"'), index.indexOf('id="tag-y"'));
    expect(tagX).toContain('pages/s-a-b-c.html');
    expect(tagX).toContain('pages/s-a-b-c-2.html');
  });
});
