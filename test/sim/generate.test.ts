import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateClinic } from '../../src/sim/clinic/generate.js';
import type { ClinicData } from '../../src/sim/clinic/model.js';
import { makePdf, pdfPageCount } from '../../src/sim/clinic/pdf.js';
import { ClinicStore } from '../../src/sim/clinic/store.js';
import { VACCINES } from '../../src/sim/clinic/vaccines.js';
import { demoCredentials } from '../../src/sim/options.js';

const NOW = Date.parse('2025-06-15T15:00:00Z'); // 11:00 in Toronto
const creds = demoCredentials({});
const gen = (seed: number, patients = 300, timezone = 'America/Toronto'): ClinicData =>
  generateClinic({ seed, patients, timezone, credentials: creds, now: NOW });
const clinic = gen(1);

function count<T>(rows: readonly T[], pred: (r: T) => boolean): number {
  return rows.filter(pred).length;
}

function minutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

describe('generateClinic: determinism', () => {
  it('yields deep-equal data for the same seed and day', () => {
    assert.deepStrictEqual(gen(1), clinic);
  });

  it('yields different data for a different seed', () => {
    const other = gen(2);
    assert.notDeepStrictEqual(other.demographics, clinic.demographics);
    const names = (d: ClinicData): string => d.demographics.slice(1, 30).map((p) => `${p.lastName},${p.firstName}`).join('|');
    assert.notEqual(names(other), names(clinic));
  });

  it('makes the requested number of patients, numbered from 1001', () => {
    assert.equal(clinic.demographics.length, 300);
    assert.equal(gen(5, 40).demographics.length, 40);
    assert.deepEqual(clinic.demographics.slice(0, 3).map((d) => d.demographicNo), [1001, 1002, 1003]);
  });

});

describe('generateClinic: the patient of samples §1', () => {
  it('patient 1001 is JANE DOE with the sample health card, allergies, flu shot and lab PDF', () => {
    const jane = clinic.demographics[0];
    assert.ok(jane);
    assert.deepEqual([jane.lastName, jane.firstName, jane.yearOfBirth, jane.monthOfBirth, jane.dateOfBirth, jane.hin, jane.ver, jane.hcType, jane.providerNo],
      ['DOE', 'JANE', '1980', '01', '17', '9876543217', 'AB', 'ON', creds.providerNo]);
    assert.deepEqual(clinic.allergies.filter((a) => a.demographicNo === 1001).map((a) => a.description), ['PENICILLIN G', 'PEANUTS']);
    const flu = clinic.preventions.find((p) => p.demographicNo === 1001 && p.preventionType === 'Flu');
    assert.equal(flu?.preventionDate, '2023-10-11T00:00:00');
    assert.equal(clinic.preventionExts.find((e) => e.preventionId === flu?.id && e.key === 'lot')?.value, 'AB1234');
    const docNo = clinic.ctlDocuments.find((c) => c.module === 'demographic' && c.moduleId === 1001)?.documentNo;
    assert.equal(clinic.documents.find((d) => d.documentNo === docNo)?.docdesc, 'CBC results');
  });
});

describe('generateClinic: variety', () => {
  const d = clinic;

  it('has health cards from several provinces, out-of-province and missing ones, well formed', () => {
    const types = new Set(d.demographics.map((p) => p.hcType));
    for (const t of ['ON', 'BC', 'QC', 'AB', 'MB', 'NS', 'OT', '']) assert.ok(types.has(t), `hcType ${JSON.stringify(t)}`);
    const on = d.demographics.filter((p) => p.hcType === 'ON' && p.hin);
    assert.ok(on.length > 150);
    for (const p of on) {
      assert.match(p.hin ?? '', /^\d{10}$/);
      assert.match(p.ver ?? '', /^([A-Z]{2})?$/);
      const digits = [...(p.hin ?? '')].map(Number);
      const check = digits.pop();
      let sum = 0;
      digits.reverse().forEach((v, i) => { let x = i % 2 === 0 ? v * 2 : v; if (x > 9) x -= 9; sum += x; });
      if (p.demographicNo !== 1001) assert.equal((10 - (sum % 10)) % 10, check, `Luhn check digit of ${p.demographicNo}`);
    }
    for (const p of d.demographics.filter((x) => x.hcType === 'BC')) assert.match(p.hin ?? '', /^9\d{9}$/);
    for (const p of d.demographics.filter((x) => x.hcType === 'QC')) assert.match(p.hin ?? '', /^[A-Z]{4}\d{8}$/);
    assert.ok(d.demographics.some((p) => p.hcType === 'ON' && p.ver === '' && p.hin), 'an old red-and-white card');
  });

  it('has partial and missing birth dates', () => {
    const ps = d.demographics;
    assert.ok(ps.some((p) => p.yearOfBirth && p.monthOfBirth === '' && p.dateOfBirth === ''), 'year only');
    assert.ok(ps.some((p) => p.yearOfBirth && p.monthOfBirth && p.dateOfBirth === ''), 'year and month');
    assert.ok(ps.some((p) => p.yearOfBirth === '' && p.monthOfBirth === '' && p.dateOfBirth === ''), 'all blank');
    assert.ok(ps.some((p) => p.yearOfBirth === null), 'null parts');
    assert.ok(count(ps, (p) => !!(p.yearOfBirth && p.monthOfBirth && p.dateOfBirth)) > 270, 'mostly complete');
  });

  it('has every patient status, sex code, and names with accents, apostrophes and hyphens', () => {
    const statuses = new Set(d.demographics.map((p) => p.patientStatus));
    for (const s of ['AC', 'IN', 'DE', 'MO', 'FI']) assert.ok(statuses.has(s), s);
    assert.ok(d.demographics.filter((p) => p.patientStatus === 'DE').every((p) => p.rosterStatus === 'TE'));
    const sexes = new Set(d.demographics.map((p) => p.sex));
    for (const s of ['M', 'F', 'X', 'U', 'O']) assert.ok(sexes.has(s), s);
    const all = d.demographics.map((p) => `${p.firstName} ${p.lastName}`);
    assert.ok(all.some((n) => /[À-ÿĀ-ɏḀ-ỿ]/.test(n)), 'accented letters');
    assert.ok(all.some((n) => n.includes("'")), 'apostrophe');
    assert.ok(all.some((n) => /\p{L}-\p{L}/u.test(n)), 'hyphen');
    assert.ok(d.demographics.some((p) => /\p{Ll}/u.test(p.lastName)), 'some mixed-case entries');
  });

  it('fills the other demographic fields with Canadian variety', () => {
    const ps = d.demographics;
    assert.ok(new Set(ps.map((p) => p.province)).size >= 7);
    assert.ok(ps.some((p) => p.officialLanguage === 'French') && ps.some((p) => p.officialLanguage === 'English'));
    assert.ok(ps.some((p) => p.title === 'MS') && ps.some((p) => p.title === 'MR'));
    assert.ok(ps.some((p) => p.middleNames) && ps.some((p) => p.alias));
    assert.ok(ps.some((p) => p.residentialAddress && p.residentialAddress !== p.address), 'a different residential address');
    assert.ok(ps.some((p) => p.phone2) && ps.some((p) => p.email));
    assert.ok(ps.some((p) => p.chartNo) && ps.some((p) => p.effDate && p.hcRenewDate));
    assert.ok(d.demographicExts.some((e) => e.key === 'demo_cell') && d.demographicExts.some((e) => e.key === 'wPhoneExt'));
    const years = new Set(ps.map((p) => p.lastUpdateDate.slice(0, 4)));
    assert.ok(years.size >= 3, 'lastUpdateDate spread over years');
  });

  it('has staff: the demo doctor (CPSO), a CNORN nurse, a receptionist, an inactive doctor', () => {
    const demo = d.providers.find((p) => p.providerNo === creds.providerNo);
    assert.deepEqual([demo?.lastName, demo?.firstName, demo?.practitionerNoType], ['oscardoc', 'doctor', 'CPSO']);
    assert.ok(d.providers.some((p) => p.providerType === 'nurse' && p.practitionerNoType === 'CNORN'));
    assert.ok(d.providers.some((p) => p.providerType === 'receptionist'));
    assert.ok(d.providers.some((p) => p.status === '0'));
    const sec = d.security.find((s) => s.securityNo === creds.securityNo);
    assert.deepEqual([sec?.userName, sec?.password, sec?.providerNo], [creds.soapUserName, creds.soapPassword, creds.providerNo]);
    assert.ok(d.security.length >= 2);
  });

  it('seeds OSCAR appointment statuses and uses custom and two-character codes', () => {
    const codes = d.appointmentStatuses.map((s) => s.status);
    for (const c of ['t', 'T', 'H', 'P', 'E', 'N', 'C', 'B', 'a', 'b', 'c', 'd', 'e', 'f', 'h']) assert.ok(codes.includes(c), c);
    assert.equal(new Set(codes).size, codes.length);
    const used = new Set(d.appointments.map((a) => a.status));
    for (const c of ['a', 'b', 'c', 'd', 'e', 'f', 'HS', 'PV', 'C', 'N', 'B', 'H', 't']) assert.ok(used.has(c), c);
  });

  it('books past and future visits, on both DST change days, near midnight, never crossing it', () => {
    const today = '2025-06-15';
    assert.ok(d.appointments.some((a) => a.appointmentDate < today) && d.appointments.some((a) => a.appointmentDate > today));
    const spring = d.appointments.filter((a) => a.appointmentDate === '2024-03-10');
    const fall = d.appointments.filter((a) => a.appointmentDate === '2024-11-03');
    assert.ok(spring.length >= 3 && fall.length >= 3);
    assert.ok(!spring.some((a) => a.startTime.startsWith('02:')), 'no time inside the spring-forward gap');
    assert.ok(fall.some((a) => a.startTime === '01:30:00'), 'the ambiguous fall-back hour');
    assert.ok(d.appointments.some((a) => a.endTime === '23:59:00'));
    assert.ok(d.appointments.some((a) => a.startTime === '00:00:00'));
    for (const a of d.appointments) {
      assert.ok(a.endTime > a.startTime, `appointment ${a.appointmentNo} crosses midnight`);
      // contract 7.8: the stored end is the last included minute (or :59 for SOAP bookings).
      const seconds = a.endTime.slice(6);
      assert.ok(seconds === '00' || seconds === '59', a.endTime);
      const duration = minutes(a.endTime) + 1 - minutes(a.startTime);
      assert.ok([10, 15, 20, 30].includes(duration), `appointment ${a.appointmentNo}: ${a.startTime}-${a.endTime}`);
    }
    assert.ok(d.appointments.some((a) => a.endTime.endsWith(':59')));
  });

  it('follows the configured zone for DST days', () => {
    const paris = gen(1, 60, 'Europe/Paris');
    assert.ok(paris.appointments.some((a) => a.appointmentDate === '2024-03-31'));
    assert.ok(!paris.appointments.some((a) => a.appointmentDate === '2024-03-10' && a.startTime === '01:30:00'));
  });

  it('has bookings without a patient', () => {
    const free = d.appointments.filter((a) => a.demographicNo === 0);
    assert.ok(free.length >= 2);
    assert.ok(free.every((a) => a.name.length > 0));
  });

  it('has coded drug allergies, free-text ones, NKDA, archived rows and partial start dates', () => {
    const al = d.allergies;
    for (const t of [13, 11, 8, 0]) assert.ok(al.some((a) => a.typeCode === t), `typeCode ${t}`);
    assert.ok(al.some((a) => /^\d{8}$/.test(a.regionalIdentifier ?? '') && a.typeCode !== 0), 'DIN');
    for (const s of ['PEANUTS', 'LATEX', 'BEE STINGS']) assert.ok(al.some((a) => a.description === s && a.typeCode === 0), s);
    assert.ok(count(al, (a) => a.description === 'NKDA') >= 2);
    assert.ok(al.some((a) => a.archived) && al.some((a) => !a.archived));
    assert.ok(al.some((a) => a.startDate?.endsWith('-01-01')), 'year-only start stored as Jan 1');
    assert.ok(new Set(al.map((a) => a.severityOfReaction)).size >= 4);
    assert.ok(al.some((a) => a.onsetOfReaction === '4'));
  });

  it('has immunizations coded from vaccine-codes.csv, screenings, refusals, outside and edited records', () => {
    const pv = d.preventions;
    const ext = (id: number, key: string): string | undefined => d.preventionExts.find((e) => e.preventionId === id && e.key === key)?.value;
    const byType = new Map(VACCINES.map((v) => [v.type, v]));
    for (const v of VACCINES) assert.ok(pv.some((p) => p.preventionType === v.type), v.type);
    for (const p of pv.filter((x) => x.snomedId)) assert.equal(p.snomedId, byType.get(p.preventionType)?.genericSctid, `prevention ${p.id}`);
    for (const e of d.preventionExts.filter((x) => x.key === 'brandSnomedId')) {
      const p = pv.find((x) => x.id === e.preventionId);
      assert.ok(byType.get(p?.preventionType ?? '')?.brands.some((b) => b.sctid === e.value), `brand ${e.value} for ${p?.preventionType}`);
    }
    const full = pv.find((p) => p.refused === '0' && ext(p.id, 'brandSnomedId') && ext(p.id, 'dose'));
    assert.ok(full);
    for (const k of ['lot', 'location', 'route', 'dose', 'manufacture', 'name', 'expiryDate', 'din']) assert.ok(ext(full.id, k) !== undefined, k);
    assert.ok(d.preventionExts.some((e) => e.key === 'dose' && e.value === '0.5 mL'));
    assert.ok(new Set(d.preventionExts.filter((e) => e.key === 'route').map((e) => e.value)).size >= 4);

    for (const s of ['PAP', 'MAM', 'Tuberculosis', 'FOBT']) {
      const rows = pv.filter((p) => p.preventionType === s);
      assert.ok(rows.length > 0, s);
      assert.ok(rows.every((p) => p.snomedId === null && ext(p.id, 'dose') === undefined), `${s} is not an immunization`);
    }
    const refused = pv.filter((p) => p.refused === '1');
    assert.ok(refused.length > 0 && refused.every((p) => ext(p.id, 'neverReason')), 'refused rows carry neverReason');
    assert.ok(pv.some((p) => p.refused === '2'));
    const outside = pv.filter((p) => p.refused === '3');
    assert.ok(outside.length > 0 && outside.every((p) => (p.providerNo === '-1' || p.providerNo === '') && p.providerName));
    assert.ok(pv.some((p) => p.preventionDate.slice(5, 10) === '01-01'), 'a year-only date stored as Jan 1');

    const replacements = pv.filter((p) => ext(p.id, 'previousId'));
    assert.ok(replacements.length > 0);
    for (const r of replacements) {
      const old = pv.find((p) => p.id === Number(ext(r.id, 'previousId')));
      assert.equal(old?.deleted, '1');
      assert.equal(r.deleted, '0');
      assert.deepEqual([old?.demographicNo, old?.preventionType], [r.demographicNo, r.preventionType]);
      assert.ok(r.id > (old?.id ?? Infinity));
    }
    const replaced = new Set(replacements.map((r) => Number(ext(r.id, 'previousId'))));
    assert.ok(pv.some((p) => p.deleted === '1' && !replaced.has(p.id)), 'a plain deletion');
  });

  it('has PDFs, text and PNG documents, a deleted one, a missing file, and provider documents', () => {
    const docs = d.documents;
    for (const t of ['application/pdf', 'text/plain', 'image/png']) assert.ok(docs.some((x) => x.contenttype === t), t);
    assert.ok(docs.some((x) => x.status === 'D'));
    assert.ok(docs.some((x) => x.file === null));
    assert.ok(new Set(docs.map((x) => x.doctype)).size >= 5);
    const providerDocs = d.ctlDocuments.filter((c) => c.module === 'provider');
    assert.ok(providerDocs.length > 0);
    for (const doc of docs.filter((x) => x.contenttype === 'image/png' && x.file)) {
      assert.deepEqual([...(doc.file as Buffer).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });

  it('generates valid PDFs that declare the stored page count', () => {
    const pdfs = d.documents.filter((x) => x.contenttype === 'application/pdf' && x.file);
    assert.ok(new Set(pdfs.map((x) => x.numberOfPages)).size >= 3, 'several page counts');
    for (const doc of pdfs) {
      const bytes = doc.file as Buffer;
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.equal(pdfPageCount(bytes), doc.numberOfPages, `document ${doc.documentNo}`);
      assert.ok(bytes.toString('latin1').trimEnd().endsWith('%%EOF'));
    }
  });

  it('writes PDF cross-reference offsets that point at their objects', () => {
    const pdf = makePdf(3, 'Hélène (test) \\ O\'Brien');
    const text = pdf.toString('latin1');
    assert.match(text, /\/Count 3\b/);
    const xrefAt = Number(/startxref\n(\d+)\n/.exec(text)?.[1]);
    assert.ok(text.startsWith('xref', xrefAt));
    const offsets = [...text.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    assert.equal(offsets.length, 3 + 2 * 3);
    offsets.forEach((off, i) => assert.ok(text.startsWith(`${i + 1} 0 obj`, off), `object ${i + 1}`));
    assert.equal(pdfPageCount(Buffer.from('not a pdf')), 0);
  });

  it('gates consent with a consent type the demo provider does not own; ships the demo OAuth client and token', () => {
    const ct = d.consentTypes.find((c) => c.type === 'provider_consent_filter');
    assert.ok(ct?.active);
    assert.notEqual(ct.providerNo, creds.providerNo);
    assert.ok(d.providers.some((p) => p.providerNo === ct.providerNo));
    assert.ok(d.consents.some((c) => c.consented) && d.consents.every((c) => c.consentTypeId === ct.id));
    const client = d.oauthClients.find((c) => c.key === creds.consumerKey);
    assert.equal(client?.secret, creds.consumerSecret);
    const token = d.oauthAccessTokens.find((t) => t.token === creds.accessToken);
    assert.deepEqual([token?.secret, token?.providerNo, token?.clientId], [creds.accessTokenSecret, creds.providerNo, client?.id]);
  });
});

describe('generateClinic: referential integrity', () => {
  const d = clinic;
  const patients = new Set(d.demographics.map((p) => p.demographicNo));
  const providers = new Set(d.providers.map((p) => p.providerNo));

  it('has unique ids in every table', () => {
    const unique = (name: string, ids: readonly (number | string)[]): void => assert.equal(new Set(ids).size, ids.length, name);
    unique('demographic', d.demographics.map((r) => r.demographicNo));
    unique('demographicExt', d.demographicExts.map((r) => r.id));
    unique('appointment', d.appointments.map((r) => r.appointmentNo));
    unique('allergy', d.allergies.map((r) => r.allergyId));
    unique('prevention', d.preventions.map((r) => r.id));
    unique('preventionExt', d.preventionExts.map((r) => r.id));
    unique('document', d.documents.map((r) => r.documentNo));
    unique('provider', d.providers.map((r) => r.providerNo));
    unique('security', d.security.map((r) => r.securityNo));
    unique('security user', d.security.map((r) => r.userName));
    unique('oauth client', d.oauthClients.map((r) => r.key));
  });

  it('points every row at an existing patient and provider', () => {
    for (const p of d.demographics) assert.ok(!p.providerNo || providers.has(p.providerNo), `MRP of ${p.demographicNo}`);
    for (const e of d.demographicExts) assert.ok(patients.has(e.demographicNo));
    for (const a of d.appointments) {
      assert.ok(a.demographicNo === 0 || patients.has(a.demographicNo), `appointment ${a.appointmentNo}`);
      assert.ok(providers.has(a.providerNo), `appointment ${a.appointmentNo} provider`);
    }
    for (const a of d.allergies) assert.ok(patients.has(a.demographicNo) && (a.providerNo === null || providers.has(a.providerNo)));
    const preventionIds = new Set(d.preventions.map((p) => p.id));
    for (const p of d.preventions) {
      assert.ok(patients.has(p.demographicNo));
      assert.ok(providers.has(p.providerNo) || p.providerNo === '-1' || p.providerNo === '', `prevention ${p.id} provider ${p.providerNo}`);
    }
    for (const e of d.preventionExts) assert.ok(preventionIds.has(e.preventionId));
    const documentIds = new Set(d.documents.map((x) => x.documentNo));
    for (const c of d.ctlDocuments) {
      assert.ok(documentIds.has(c.documentNo));
      assert.ok(c.module === 'demographic' ? patients.has(c.moduleId) : providers.has(String(c.moduleId)), `ctl ${c.module} ${c.moduleId}`);
    }
    assert.equal(new Set(d.ctlDocuments.map((c) => c.documentNo)).size, d.documents.length, 'every document linked once');
    for (const doc of d.documents) assert.ok(providers.has(doc.doccreator));
    for (const s of d.security) assert.ok(s.providerNo === null || providers.has(s.providerNo));
    for (const a of d.appointments.filter((x) => x.demographicNo > 0)) {
      const p = d.demographics.find((x) => x.demographicNo === a.demographicNo);
      assert.equal(a.name, `${p?.lastName}, ${p?.firstName}`);
    }
  });

  it('never stamps a write in the future', () => {
    const today = '2025-06-15';
    const stamps = [
      ...d.demographics.map((r) => r.lastUpdateDate), ...d.appointments.flatMap((r) => [r.createDateTime, r.updateDateTime]),
      ...d.allergies.map((r) => r.lastUpdateDate), ...d.preventions.flatMap((r) => [r.creationDate, r.lastUpdateDate]),
      ...d.documents.map((r) => r.updatedatetime),
    ];
    for (const s of stamps) assert.ok(s < today, s);
    for (const s of stamps) assert.match(s, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });

  it('loads into a ClinicStore whose AUTO_INCREMENTs continue after the generated ids', () => {
    const store = new ClinicStore(gen(1, 30));
    const maxAppt = Math.max(...store.data.appointments.map((a) => a.appointmentNo));
    assert.equal(store.nextId('appointment'), maxAppt + 1);
    assert.equal(store.demographic(1001)?.lastName, 'DOE');
  });
});
