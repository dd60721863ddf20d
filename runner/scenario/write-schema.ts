/** Regenerates schema/scenario.schema.json: node --import tsx runner/scenario/write-schema.ts */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema, schemaPath } from './json-schema.ts';

writeFileSync(schemaPath, scenarioJsonSchema());
console.log(`wrote ${schemaPath}`);
