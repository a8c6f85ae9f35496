// Where the validator inputs and the generated code live, and the hash that says whether the
// generated code still matches its inputs. Shared by the build (which writes the hash into its
// output) and the runtime loader (which compares it), and cheap: no ajv import here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Resource types we compile a validator for (what the facade accepts and emits). */
export const VALIDATED_TYPES = [
  'Patient',
  'Practitioner',
  'Appointment',
  'Schedule',
  'Slot',
  'AllergyIntolerance',
  'Immunization',
  'DocumentReference',
  'Binary',
  'Bundle',
  'OperationOutcome',
  'CapabilityStatement',
] as const;

const root = new URL('../../', import.meta.url);
const at = (rel: string): string => fileURLToPath(new URL(rel, root));

export const PATHS = {
  schema: at('profiles/r4/fhir.schema.r4-reduced.json'),
  elementRules: at('profiles/r4/element-rules.json'),
  generatedDir: at('profiles/generated/'),
  generated: at('profiles/generated/validators.cjs'),
} as const;

/** First line of the generated module; the loader reads only this line to check staleness. */
export const HASH_LINE_PREFIX = '// oscar-fhir validators input-hash: ';

/** The code that shapes the generated module (.ts under tsx, .js when compiled). */
const GENERATOR_SOURCES = ['build', 'schema-file', 'schema-types'].map((name) =>
  fileURLToPath(new URL(`./${name}${extname(fileURLToPath(import.meta.url))}`, import.meta.url)),
);

/** sha256 over everything the generated code is derived from: data, generator code, ajv version. */
export function computeInputHash(ajvVersion: string): string {
  const h = createHash('sha256');
  h.update(`ajv ${ajvVersion}\ntypes ${VALIDATED_TYPES.join(',')}\n`);
  for (const file of [PATHS.schema, PATHS.elementRules, ...GENERATOR_SOURCES]) h.update(readFileSync(file));
  return h.digest('hex');
}

export function ajvVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('ajv/package.json') as { version: string }).version;
}

/** The hash written into a generated file's first line, or undefined when there is no file. */
export function generatedHash(file: string = PATHS.generated): string | undefined {
  let head: string;
  try {
    head = readFileSync(file, 'utf8').slice(0, 200);
  } catch {
    return undefined;
  }
  const line = head.split('\n', 1)[0] ?? '';
  return line.startsWith(HASH_LINE_PREFIX) ? line.slice(HASH_LINE_PREFIX.length).trim() : undefined;
}
