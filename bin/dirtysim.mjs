#!/usr/bin/env node
// A shim: register tsx so the TypeScript sources load, then hand argv to the testable CLI function.
import { register } from 'tsx/esm/api';
register();
// `dirtysim run | head` closes the pipe early: that is the reader's choice, not a crash.
process.stdout.on('error', (e) => (e.code === 'EPIPE' ? process.exit() : Promise.reject(e)));
const { main } = await import('../runner/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
