#!/usr/bin/env node
// A shim: register tsx so the TypeScript sources load, then hand argv to the testable CLI function.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../runner/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
