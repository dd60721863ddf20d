/** The JSON Schema editors read through `# yaml-language-server: $schema=...`, made from schema.ts. */
import { z } from 'zod';
import { ScenarioFile } from './schema.ts';

export const schemaPath = 'schema/scenario.schema.json';

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioFile, { target: 'draft-07', io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
