import { readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema, schemaPath } from './json-schema.ts';

describe('schema/scenario.schema.json', () => {
  it('is up to date with schema.ts', () => {
    const stale = 'schema/scenario.schema.json is stale: run `node --import tsx runner/scenario/write-schema.ts`';
    expect(readFileSync(schemaPath, 'utf8'), stale).toBe(scenarioJsonSchema());
  });

  const validate = new Ajv({ strict: false }).compile(JSON.parse(scenarioJsonSchema()) as object);
  const dirs = ['runner/scenario/fixtures/valid', 'scenarios'];
  const files = dirs.flatMap((d) => {
    try {
      return readdirSync(d, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.yaml') && !f.split('/').some((p) => p.startsWith('_')))
        .map((f) => `${d}/${f}`);
    } catch {
      return [];
    }
  });
  it.each(files)('accepts %s', (file) => {
    const ok = validate(parse(readFileSync(file, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects an unknown top-level key and a wrong argument type', () => {
    expect(validate({ scenario: 's', about: 'a', stesp: [] })).toBe(false);
    const step = { 'block-dirty-bitmap-add': { node: 'top', name: 'b0', persistent: 'yes' } };
    expect(validate({ scenario: 's', about: 'a', steps: [step] })).toBe(false);
  });

  it('lets an unknown QMP command through as an object', () => {
    expect(validate({ scenario: 's', about: 'a', steps: [{ 'block-stream': { 'job-id': 's0', device: 'top' } }] })).toBe(true);
  });
});
