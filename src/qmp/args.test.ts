import { describe, expect, it } from 'vitest';
import { bool, enumOf, list, optional, parseArgs, str, strOrStruct, struct, uint32, uint64, int64, object } from './args.ts';

const add = { node: str, name: str, granularity: optional(uint32), persistent: optional(bool), disabled: optional(bool) };
const merge = { node: str, target: str, bitmaps: list(strOrStruct('BlockDirtyBitmapOrStr', { node: str, name: str })) };

function desc(shape: Parameters<typeof parseArgs>[0], args: Record<string, unknown>, path?: string): string | undefined {
  const r = parseArgs(shape, args, path);
  return r.ok ? undefined : r.error.desc;
}

describe('parseArgs', () => {
  it('returns typed values and leaves absent optionals absent', () => {
    const r = parseArgs(add, { node: 'n0', name: 'b0', granularity: 65536 });
    expect(r).toEqual({ ok: true, value: { node: 'n0', name: 'b0', granularity: 65536 } });
    if (r.ok) expect('persistent' in r.value).toBe(false);
  });

  // Each text below was sent by QEMU 7.2.22 for the same input (block-dirty-bitmap-add / -merge / transaction).
  it.each([
    [add, { node: 'n0' }, "Parameter 'name' is missing"],
    [add, { name: 5, zzz: 1 }, "Parameter 'node' is missing"],
    [add, { node: 'n0', name: 'b', foo: 1 }, "Parameter 'foo' is unexpected"],
    [add, { node: 'n0', name: 5 }, "Invalid parameter type for 'name', expected: string"],
    [add, { node: 'n0', name: 'b', granularity: -1 }, "Parameter 'granularity' expects uint32_t"],
    [add, { node: 'n0', name: 'b', granularity: 4294967296 }, "Parameter 'granularity' expects uint32_t"],
    [add, { node: 'n0', name: 'b', granularity: 1.5 }, "Parameter 'granularity' expects uint64"],
    [add, { node: 'n0', name: 'b', granularity: '64K' }, "Parameter 'granularity' expects uint64"],
    [add, { node: 'n0', name: 'b', granularity: null }, "Parameter 'granularity' expects uint64"],
    [add, { node: 'n0', name: 'b', granularity: true }, "Parameter 'granularity' expects uint64"],
    [add, { node: 'n0', name: 'b', persistent: 1 }, "Invalid parameter type for 'persistent', expected: boolean"],
    [add, { node: 'n0', name: 'b', persistent: null }, "Invalid parameter type for 'persistent', expected: boolean"],
    // schema order, not input order: persistent is declared before disabled
    [add, { node: 'n0', name: 'b', disabled: 'x', persistent: 'y' }, "Invalid parameter type for 'persistent', expected: boolean"],
    [add, { name: 'b', node: 'n0', granularity: 'x', zzz: 1 }, "Parameter 'granularity' expects uint64"],
    [merge, { node: 'n0', target: 'x' }, "Parameter 'bitmaps' is missing"],
    [merge, { node: 'n0', target: 'x', bitmaps: 'a' }, "Invalid parameter type for 'bitmaps', expected: array"],
    [merge, { node: 'n0', target: 'x', bitmaps: [5] }, "Invalid parameter type for 'null', expected: BlockDirtyBitmapOrStr"],
    [merge, { node: 'n0', target: 'x', bitmaps: [{ node: 'n0' }] }, "Parameter 'bitmaps[0].name' is missing"],
    [merge, { node: 'n0', target: 'x', bitmaps: [{ node: 'n0', name: 5 }] }, "Invalid parameter type for 'bitmaps[0].name', expected: string"],
    [merge, { node: 'n0', target: 'b0', bitmaps: [{ node: 'n0', name: 'b0', x: 1 }] }, "Parameter 'bitmaps[0].x' is unexpected"],
  ] as const)('%# %j -> %s', (shape, args, text) => {
    expect(desc(shape, args)).toBe(text);
  });

  it('prefixes nested paths except for uint32_t and enum texts', () => {
    expect(desc(add, { node: 'n0' }, 'actions[0].data')).toBe("Parameter 'actions[0].data.name' is missing");
    expect(desc(add, { node: 'n0', name: 't', granularity: 1.5 }, 'actions[0].data')).toBe(
      "Parameter 'actions[0].data.granularity' expects uint64",
    );
    expect(desc(add, { node: 'n0', name: 't', granularity: -1 }, 'actions[0].data')).toBe("Parameter 'granularity' expects uint32_t");
    const tx = { actions: list(struct({ type: enumOf('abort', 'block-dirty-bitmap-add'), data: object })) };
    expect(desc(tx, { actions: [{ type: 'nope', data: {} }] })).toBe("Parameter 'type' does not accept value 'nope'");
    expect(desc(tx, { actions: [{ type: 5, data: {} }] })).toBe("Invalid parameter type for 'actions[0].type', expected: string");
    expect(desc(tx, { actions: [5] })).toBe("Invalid parameter type for 'actions[0]', expected: object");
    expect(desc(tx, { actions: [{ type: 'abort' }] })).toBe("Parameter 'actions[0].data' is missing");
    expect(desc(tx, { actions: [{ type: 'abort', data: 5 }] })).toBe("Invalid parameter type for 'actions[0].data', expected: object");
  });

  it('accepts the uint32 and uint64 extremes and rejects non-integers for int64', () => {
    expect(parseArgs({ g: uint32 }, { g: 2 ** 32 - 1 }).ok).toBe(true);
    expect(parseArgs({ g: uint64 }, { g: -1 })).toEqual({ ok: true, value: { g: 2 ** 64 - 1 } });
    expect(desc({ s: int64 }, { s: 0.5 })).toBe("Invalid parameter type for 's', expected: integer");
    expect(parseArgs({ s: int64 }, { s: -5 })).toEqual({ ok: true, value: { s: -5 } });
    expect(parseArgs({ s: int64 }, { s: 2 ** 63 }).ok).toBe(true);
    expect(desc({ s: int64 }, { s: 2 ** 64 })).toBe("Invalid parameter type for 's', expected: integer");
    expect(desc({ s: int64 }, { s: -(2 ** 64) })).toBe("Invalid parameter type for 's', expected: integer");
  });
});
