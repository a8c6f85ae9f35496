#!/usr/bin/env node
// The `oscar-fhir` command (package.json "bin"): runs the TypeScript CLI (src/cli/main.ts)
// through tsx, so it works from a fresh clone — `npx oscar-fhir connect …` or
// `node bin/oscar-fhir.js connect …` — without a build step, from any directory.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
