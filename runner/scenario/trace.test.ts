import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './load.ts';

const load = (body: string) => loadScenarioText('t.yaml', `scenario: t\nabout: a\n${body}`);
const codes = (body: string) => load(body).diagnostics.map((d) => `${d.span.line}:${d.span.col} ${d.code}`);

describe('node names the steps create', () => {
  it('tracks node-names nested in a blockdev-add, children first', () => {
    const r = load(`steps:
  - blockdev-add: { driver: null-co, node-name: base, size: 1M }
  - blockdev-add:
      driver: throttle
      node-name: thr
      throttle-group: tg
      file: { driver: copy-on-read, node-name: cor, file: { driver: null-co, node-name: inner, size: 1M } }
  - block-dirty-bitmap-add: { node: inner, name: b0 }
  - block-dirty-bitmap-add: { node: cor, name: b0 }
  - io: thr write 0 4K
  - io: inner write 1M 4K
`);
    expect(r.diagnostics.map((d) => `${d.span.line} ${d.code} ${d.message}`)).toEqual([
      "13 io-out-of-range write 1M+4K ends past the end of 'inner' (1M)",
    ]);
  });

  it("sizes a raw window by its size, or by the rest of the file after its offset", () => {
    const r = load(`graph:
  disk: { driver: raw, size: 1M }
steps:
  - blockdev-add: { driver: raw, node-name: win, file: disk-file, offset: 512K, size: 256K }
  - blockdev-add: { driver: raw, node-name: rest, file: disk-file, offset: 768K }
  - io: win write 252K 4K
  - io: win write 256K 4K
  - io: rest write 256K 4K
`);
    expect(r.diagnostics.map((d) => `${d.span.line} ${d.code} ${d.message}`)).toEqual([
      "9 io-out-of-range write 256K+4K ends past the end of 'win' (256K)",
      "10 io-out-of-range write 256K+4K ends past the end of 'rest' (256K)",
    ]);
  });

  it('reports a nested duplicate and an unknown nested reference', () => {
    expect(codes(`steps:
  - blockdev-add: { driver: null-co, node-name: a, size: 1M }
  - blockdev-add: { driver: raw, node-name: r, file: { driver: copy-on-read, node-name: a, file: nope } }
`)).toEqual(['5:89 duplicate-name', '5:98 unknown-node']);
  });

  it('knows the overlay blockdev-snapshot-sync names and checks blockdev-snapshot references', () => {
    expect(codes(`graph:
  top: { driver: qcow2, size: 1M }
steps:
  - blockdev-snapshot-sync: { node-name: top, snapshot-file: s.qcow2, snapshot-node-name: s }
  - block-dirty-bitmap-add: { node: s, name: b0 }
  - blockdev-snapshot: { node: s, overlay: nope }
`)).toEqual(['8:44 unknown-node']);
  });
});

describe('node names jobs create', () => {
  it('knows a job filter by filter-node-name and the target drive-mirror opens by node-name', () => {
    expect(codes(`graph:
  src: { driver: qcow2, size: 1M }
  tgt: { driver: qcow2, size: 1M }
devices:
  vda: src
steps:
  - blockdev-mirror: { job-id: m0, device: vda, target: tgt, sync: full, filter-node-name: mt }
  - block-dirty-bitmap-add: { node: mt, name: f0 }
  - io: mt write 1M 4K
  - drive-mirror: { job-id: m1, device: vda, target: d.qcow2, sync: full, node-name: dst }
  - block-dirty-bitmap-add: { node: dst, name: d0 }
  - blockdev-backup: { job-id: j0, device: vda, target: tgt, sync: full, node-name: nope }
  - expect:
      nodes: { mt: true, dst: true, nope: false }
      bitmaps: { mt/f0: { count: 0 }, dst/d0: { count: 0 } }
`)).toEqual(['11:9 io-out-of-range', '16:37 unknown-node']);
  });
});
