import { describe, expect, it } from 'vitest';
import type { ModifyRequest } from '../graph/node.ts';
import { qemuIo } from '../io/qemu-io.ts';
import { insertFilter } from './chain.ts';
import { mirrorMachine } from './mirror-fixture.ts';
import { MirrorTopDriver } from './mirror-top.ts';
import { node } from './test-chain.ts';

describe('mirror_top filter', () => {
  it('passes guest requests to its backing child and hands finished modifications to the job', () => {
    const m = mirrorMachine();
    const driver = new MirrorTopDriver();
    const filter = insertFilter(m, driver, 'backing', node(m, 'src'), 'mt');
    const seen: ModifyRequest['kind'][] = [];
    driver.activeWrite = (r) => seen.push(r.kind);
    expect(filter.driver.name).toBe('mirror_top');
    expect(qemuIo(m, filter, 'write -P 0x11 0 64K')).toEqual({ ok: true });
    expect(qemuIo(m, filter, 'write -z 64K 64K')).toEqual({ ok: true });
    expect(qemuIo(m, filter, 'read -P 0x11 0 64K')).toEqual({ ok: true });
    expect(seen).toEqual(['write', 'write-zeroes']);
    expect(qemuIo(m, node(m, 'src'), 'read -P 0x11 0 64K')).toEqual({ ok: true });
  });

  it('a write the source refuses is not handed on', () => {
    const m = mirrorMachine();
    const driver = new MirrorTopDriver();
    const filter = insertFilter(m, driver, 'backing', node(m, 'src'), undefined);
    let calls = 0;
    driver.activeWrite = () => calls++;
    node(m, 'src').readOnly = true;
    expect(qemuIo(m, filter, 'write 0 64K')).toMatchObject({ ok: false });
    expect(calls).toBe(0);
  });
});
