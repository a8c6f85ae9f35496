// A clinic's mapping tables from MAPPING_CONFIG_FILE: validated at start-up, applied to every resource.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { parseMappingOverrides } from '../../src/resources/mapping-file.js';
import { startStack } from '../helpers/stack.js';

function fileWith(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-mapping-')), 'mapping.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test('every problem in a mapping file is reported at start-up, naming the key', () => {
  const problems: string[] = [];
  parseMappingOverrides(JSON.stringify({
    appointmentStatuses: { exact: { a: 'here' }, toOscar: { arrived: 'HHH' } },
    immunizationTypes: { add: [''] },
    documentTypeLoinc: { lab: { code: 'x' } },
    colour: 'blue',
  }), problems);
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('appointmentStatuses.exact.a') && p.includes('"here"')));
  assert.ok(problems.some((p) => p.includes('toOscar.arrived')));
  assert.ok(problems.some((p) => p.includes('immunizationTypes.add')));
  assert.ok(problems.some((p) => p.includes('documentTypeLoinc.lab')));
  assert.ok(problems.some((p) => p.includes('unknown key "colour"')));
  assert.throws(() => loadConfig({ MAPPING_CONFIG_FILE: fileWith('{not json') }), (e: unknown) => e instanceof ConfigError && e.message.includes('not valid JSON'));
  assert.throws(() => loadConfig({ MAPPING_CONFIG_FILE: '/nonexistent/mapping.json' }), (e: unknown) => e instanceof ConfigError && e.message.includes('cannot read'));
});

test("a clinic's custom appointment status and immunization types change what the facade emits", async () => {
  const path = fileWith({
    appointmentStatuses: { exact: { a: 'arrived' } },
    immunizationTypes: { remove: ['Flu'] },
    documentTypeLoinc: { lab: { code: '11526-1', display: 'Pathology study' } },
  });
  const stack = await startStack({ env: { MAPPING_CONFIG_FILE: path, CACHE_MAX_BYTES: '0' } });
  try {
    const custom = stack.sim.store.data.appointments.find((r) => r.status === 'a' && r.demographicNo > 0);
    assert.ok(custom, 'the generated clinic has an appointment with custom status a');
    const appt = await stack.fhir(`/Appointment/${custom.appointmentNo}`);
    assert.equal(appt.status, 200);
    assert.equal(appt.body.status, 'arrived'); // the default table says booked

    const flu = stack.sim.store.data.preventions.find((p) => p.demographicNo === 1001 && p.preventionType === 'Flu' && p.deleted === '0');
    assert.ok(flu);
    assert.equal((await stack.fhir(`/Immunization/${flu.id}`)).status, 404);
    const imms = await stack.fhir('/Immunization?patient=1001');
    assert.ok(!(imms.body.entry ?? []).some((e: { resource: { id: string } }) => e.resource.id === String(flu.id)));

    const docs = await stack.fhir('/DocumentReference?patient=1001&type=lab');
    assert.equal(docs.status, 200);
    const codings = (docs.body.entry ?? []).flatMap((e: { resource: { type?: { coding?: { code: string }[] } } }) => e.resource.type?.coding ?? []);
    assert.ok(codings.length > 0);
    assert.ok(codings.every((c: { system?: string; code: string }) => c.code === '11526-1' || c.system !== 'http://loinc.org'));
  } finally {
    await stack.close();
  }
});

test('documentProgramId: a clinic that files documents under its own program finds them', async () => {
  const problems: string[] = [];
  parseMappingOverrides(JSON.stringify({ documentProgramId: 'OSCAR' }), problems);
  parseMappingOverrides(JSON.stringify({ documentProgramId: 0 }), problems);
  assert.equal(problems.filter((p) => p.includes('documentProgramId must be a positive whole number')).length, 2, problems.join('\n'));

  const stack = await startStack({ env: { MAPPING_CONFIG_FILE: fileWith({ documentProgramId: 20001 }), CACHE_MAX_BYTES: '0' } });
  try {
    // The demo user owns no consent type, so patient 1001's documents come from the per-provider,
    // per-program listing; this one is filed under the clinic's own program.
    const cbc = stack.sim.store.data.documents.find((d) => d.docdesc === 'CBC results')!;
    cbc.programId = 20001;
    const docs = await stack.fhir('/DocumentReference?patient=1001');
    assert.equal(docs.status, 200, docs.text);
    assert.deepEqual(docs.body.entry?.map((e: { resource: { description?: string } }) => e.resource.description), ['CBC results']);
  } finally {
    await stack.close();
  }
});
