import { describe, expect, it } from 'vitest';
import { MIN_SHADE, stripSvg } from './strip-svg.ts';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe('stripSvg', () => {
  it('merges runs of equal cells into one rectangle each', () => {
    const svg = stripSvg({ dirty: [0, 0, 1, 1, 0.5, 0], label: 'top/b0' });
    expect(count(svg, /<rect class="clean"/g)).toBe(2);
    expect(svg).toContain('<rect class="dirty" x="2" y="0" width="2" height="10" fill-opacity="1">');
    expect(svg).toContain('<rect class="dirty" x="4" y="0" width="1" height="10" fill-opacity="0.65">');
    expect(svg).toContain('viewBox="0 0 6 10"');
  });

  it('keeps a barely dirty cell visible', () => {
    expect(stripSvg({ dirty: [1e-9], label: 'x' })).toContain(`fill-opacity="${MIN_SHADE}"`);
  });

  it('draws newly dirtied cells in their own class', () => {
    const svg = stripSvg({ dirty: [1, 1, 0], fresh: [0, 1, 0], label: 'x' });
    expect(svg).toMatch(/<rect class="dirty" x="0"[^>]*width="1"/);
    expect(svg).toMatch(/<rect class="fresh" x="1"[^>]*width="1"/);
  });

  it('marks differing cells below the strip', () => {
    const svg = stripSvg({ dirty: [1, 0, 0], marked: [false, true, true], label: 'x' });
    expect(count(svg, /class="mark"/g)).toBe(2);
    expect(svg).toContain('viewBox="0 0 3 14"');
  });

  it('escapes the label and hover texts', () => {
    const svg = stripSvg({ dirty: [1], label: 'a<b', describeCell: () => '"0+64K"' });
    expect(svg).toContain('aria-label="a&lt;b"');
    expect(svg).toContain('<title>&quot;0+64K&quot;</title>');
  });
});
