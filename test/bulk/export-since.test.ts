// `_since` over OSCAR's change feeds (bulk-data §b.6 item 1, BD-P-02, BD-M-01, BD-M-06): a
// second export since the first one's transactionTime holds exactly what changed in between —
// checked against the simulator's rows — with hundreds of rows stamped in the same second across
// page boundaries, edits of records created long before, and deletions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { applyChangeBurst } from '../../src/sim/clinic/change-burst.js';
import { epochOfWallClock } from '../../src/sim/wall-clock.js';
import { VACCINES } from '../../src/sim/clinic/vaccines.js';
import { kickOff, linesOf, manifestOf, resourcesOf, sortedIds, type Manifest } from './export-helpers.js';

const TYPES = 'Patient,Immunization,AllergyIntolerance,Appointment';
const VACCINE_TYPES = new Set(VACCINES.map((v) => v.type));

describe('export _since the previous export', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ sim: { patients: 300, seed: 5 }, env: { BULK_MIN_POLL_MS: '0', BULK_TRANSACTION_MARGIN_SECONDS: '0', BULK_FEED_PAGE: '200' } });
  });
  after(async () => { await stack.close(); });

  it('returns exactly the records changed in between, ties and deletions included', async () => {
    const first = await manifestOf(await kickOff(stack, `/Patient/$export?_type=${TYPES}`));
    const t1 = Date.parse(first.transactionTime);
    const s0 = Math.floor(t1 / 1000) * 1000 + 1000;
    const seconds = [s0, s0 + 1000, s0 + 2000];
    const store = stack.sim.store;
    const truth = applyChangeBurst(store, { seed: 9, seconds, patients: 25, preventionEdits: 1100, preventionDeletes: 150, allergies: 40, appointments: 60 });
    // Each of the three seconds holds more prevention rows than one page of the feed (BULK_FEED_PAGE 200).
    const zone = store.serverZone;
    const stamp = (local: string): number => epochOfWallClock(local, zone);
    const perSecond = seconds.map((s) => store.data.preventions.filter((p) => stamp(p.lastUpdateDate) === s).length);
    assert.ok(perSecond.every((n) => n > 500), `rows per second: ${perSecond.join(", ")}`);
    while (Date.now() <= s0 + 3000) await new Promise((r) => setTimeout(r, 100));

    const second = await manifestOf(await kickOff(stack, `/Patient/$export?_type=${TYPES}&_since=${encodeURIComponent(first.transactionTime)}`));
    const t2 = Date.parse(second.transactionTime);
    const data = store.data;
    const active = new Set(data.demographics.filter((d) => d.patientStatus.trim() === 'AC').map((d) => d.demographicNo));
    const inWindow = (local: string): boolean => stamp(local) > t1 && stamp(local) <= t2;
    // What the simulator's tables say changed in (t1, t2], and what the burst says it did: the same.
    const expected = {
      Patient: data.demographics.filter((d) => active.has(d.demographicNo) && inWindow(d.lastUpdateDate)).map((d) => d.demographicNo),
      Immunization: data.preventions.filter((p) => active.has(p.demographicNo) && VACCINE_TYPES.has(p.preventionType) && p.deleted === '0' && inWindow(p.lastUpdateDate)).map((p) => p.id),
      AllergyIntolerance: data.allergies.filter((a) => active.has(a.demographicNo) && inWindow(a.lastUpdateDate)).map((a) => a.allergyId),
      Appointment: data.appointments.filter((a) => active.has(a.demographicNo) && inWindow(a.updateDateTime)).map((a) => a.appointmentNo),
    };
    for (const [type, ids] of Object.entries(expected)) {
      assert.deepEqual(ids.sort((a, b) => a - b), truth[type as keyof typeof expected], `${type}: the tables agree with the burst`);
      const got = sortedIds(await resourcesOf(second, type));
      assert.deepEqual(got, truth[type as keyof typeof expected], type);
    }
    assert.deepEqual(await deletedIds(second), truth.deletedImmunization.map((id) => `Immunization/${id}`).sort());
    const outputIds = new Set((await resourcesOf(second, 'Immunization')).map((r) => `Immunization/${r.id}`));
    assert.ok((await deletedIds(second)).every((d) => !outputIds.has(d)), 'nothing is both deleted and in output');
  });

  it('reports an appointment changed and deleted since in the error file (OSCAR\'s archive cannot name it, so deleted lists none); a live edited one and one deleted untouched are not reported', async () => {
    const store = stack.sim.store;
    const first = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Appointment'));
    const t1 = Date.parse(first.transactionTime);
    while (Date.now() <= t1 + 1000) await new Promise((r) => setTimeout(r, 100));
    const active = store.data.demographics.filter((d) => d.patientStatus.trim() === 'AC').map((d) => d.demographicNo);
    const withAppointments = active.filter((p) => store.data.appointments.some((a) => a.demographicNo === p));
    const [p, q, r] = withAppointments as [number, number, number];
    const doctor = store.data.providers.find((x) => x.providerType === 'doctor')!.providerNo;
    // Booked and deleted after the first export: its archive copy is stamped after it.
    const booked = store.bookFromScreen({ providerNo: doctor, date: '2031-03-04', start: '09:00', minutes: 15, demographicNo: p });
    assert.ok(store.deleteAppointment(booked.appointmentNo));
    // Edited twice after it, as OSCAR's manager does (archive the replaced version, then stamp): still there.
    const edited = store.data.appointments.find((a) => a.demographicNo === q)!;
    for (const status of ['H', 'P']) {
      store.archiveAppointment(edited);
      Object.assign(edited, { status, updateDateTime: store.nowLocal() });
    }
    // Deleted untouched: its copy keeps its old stamp, before the first export.
    const untouched = store.data.appointments.find((a) => a.demographicNo === r && Date.parse(`${a.updateDateTime.replace(' ', 'T')}Z`) < t1 - 86_400_000)!;
    assert.ok(store.deleteAppointment(untouched.appointmentNo));

    const second = await manifestOf(await kickOff(stack, `/Patient/$export?_type=Appointment&_since=${encodeURIComponent(first.transactionTime)}`));
    assert.deepEqual(await deletedIds(second), [], 'no Appointment can be named in deleted');
    const warnings: string[] = [];
    for (const f of second.error) for (const o of await linesOf(f.url)) warnings.push(...o.issue.map((i: { diagnostics: string }) => i.diagnostics));
    const deletedWarnings = warnings.filter((w) => /was deleted in OSCAR after _since/.test(w));
    assert.equal(deletedWarnings.length, 1, deletedWarnings.join('\n'));
    assert.match(deletedWarnings[0]!, new RegExp(`^An appointment of Patient/${p} created ${booked.createDateTime.slice(0, 10)}T${booked.createDateTime.slice(11, 19)}`));
    assert.ok(sortedIds(await resourcesOf(second, 'Appointment')).includes(edited.appointmentNo), 'the edited one is exported');
  });
});

async function deletedIds(m: Manifest): Promise<string[]> {
  assert.ok(m.deleted, 'a _since export has a deleted array');
  const out: string[] = [];
  for (const f of m.deleted) {
    assert.equal(f.type, 'Bundle');
    for (const b of await linesOf(f.url)) {
      assert.equal(b.type, 'transaction');
      for (const e of b.entry) { assert.equal(e.request.method, 'DELETE'); out.push(e.request.url); }
    }
  }
  return out.sort();
}
