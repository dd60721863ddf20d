import { describe, expect, it } from 'vitest';
import { size } from '../../src/size.ts';
import type { BackendSession, Setup } from '../backends/backend.ts';
import { simBackend } from '../backends/sim.ts';
import type { SourceSpan } from '../source.ts';
import { checkData } from './data.ts';

const span: SourceSpan = { file: 'f.yaml', start: 0, end: 1, line: 1, col: 1, sourceLine: '' };
const setup: Setup = {
  semantics: 'qemu-7.2',
  images: [{ filename: 'd.raw', format: 'raw', size: size('8M'), data: ['write -P 0xaa 200K 2K', 'write -P 0x11 202K 2K'] }],
  blockdevs: [{ driver: 'raw', 'node-name': 'd', file: { driver: 'file', filename: 'd.raw' } }],
  devices: [{ id: 'vda', drive: 'd' }],
};

async function check(line: string, session?: BackendSession) {
  const s = session ?? (await simBackend().open(setup));
  return (await checkData({ target: 'vda', line, span }, s)).failures;
}

describe('checkData', () => {
  it('passes a range that holds the pattern', async () => {
    expect(await check('read -P 0x11 202K 2K')).toEqual([]);
  });

  it('a read -P mismatch shows what the range holds, one run per line, against the pattern asked for', async () => {
    const [f] = await check('read -P 0x11 200K 4K');
    expect(f?.code).toBe('data-mismatch');
    expect(f?.message).toBe('vda read -P 0x11 200K 4K: Pattern verification failed at offset 204800, 4096 bytes; holds 0xaa at 200K+2K, 0x11 at 202K+2K');
    expect(f?.expected).toBe('vda read -P 0x11 200K 4K: ok\n  0x11 at 200K+4K');
    expect(f?.actual).toBe('vda read -P 0x11 200K 4K: Pattern verification failed at offset 204800, 4096 bytes\n  0xaa at 200K+2K\n  0x11 at 202K+2K');
  });

  it('unwritten bytes read as zero runs', async () => {
    const [f] = await check('read -P 0 198K 4K');
    expect(f?.actual.split('\n').slice(1)).toEqual(['  0x00 at 198K+2K', '  0xaa at 200K+2K']);
  });

  it('says a range over the limit is too large to show instead of dumping it', async () => {
    const [f] = await check('read -P 0xaa 0 2M');
    expect(f?.expected).toBe('vda read -P 0xaa 0 2M: ok\n  0xaa at 0+2M');
    expect(f?.actual).toBe('vda read -P 0xaa 0 2M: Pattern verification failed at offset 0, 2097152 bytes\n  (more than 1M: too large to show)');
  });

  it('caps a scattered range at 16 runs', async () => {
    const s = await simBackend().open(setup);
    for (let i = 0; i < 20; i++) await s.io('vda', `write -P ${i + 1} ${i * 1024} 512`);
    const [f] = await check('read -P 0x01 0 20K', s);
    const lines = f?.actual.split('\n') ?? [];
    expect(lines).toHaveLength(1 + 16 + 1);
    expect(lines.at(-1)).toBe('  (24 more runs)');
  });

  it('other failures keep qemu-io message alone', async () => {
    const [f] = await check('read 0 100M');
    expect([f?.expected, f?.actual]).toEqual(['vda read 0 100M: ok', 'vda read 0 100M: read failed: Input/output error']);
  });
});
