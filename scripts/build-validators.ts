// Builds the ahead-of-time FHIR validators (profiles/generated/validators.cjs).
//   node --import tsx scripts/build-validators.ts            build if the inputs changed
//   node --import tsx scripts/build-validators.ts --force    build even if they did not
//   node --import tsx scripts/build-validators.ts --vendor <fhir.schema.v4.json>
//        re-derive profiles/r4/* from the official schema (see profiles/README.md), then build
import { buildValidators } from '../src/validation/build.js';

const args = process.argv.slice(2);
const vendorAt = args.indexOf('--vendor');
if (vendorAt >= 0) {
  const source = args[vendorAt + 1];
  if (!source) {
    console.error('usage: build-validators.ts --vendor <path to fhir.schema.v4.json>');
    process.exit(2);
  }
  const { vendor } = await import('../src/validation/vendor.js');
  const out = vendor(source);
  console.log(`vendored: schema ${out.schemaBytes} B, element rules ${out.rulesBytes} B, original sha256 ${out.originalSha256}`);
}
const result = buildValidators({ force: args.includes('--force') });
console.log(
  result.built
    ? `built ${result.file} (${result.bytes} B) in ${result.ms.toFixed(0)} ms, input hash ${result.inputHash.slice(0, 12)}`
    : `up to date: ${result.file} (input hash ${result.inputHash.slice(0, 12)})`,
);
