// Drives an export the way a Bulk Data client does (kick-off, poll, manifest, files), for the
// tests of src/bulk. Expected contents come from the simulator's own rows, never from src/bulk.
import assert from 'node:assert/strict';
import type { Stack } from '../helpers/stack.js';
import type { ClinicData } from '../../src/sim/clinic/model.js';
import { VACCINES } from '../../src/sim/clinic/vaccines.js';

export const KICK_OFF_HEADERS = { accept: 'application/fhir+json', prefer: 'respond-async' };

export interface Manifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: { type: string; url: string; count: number }[];
  deleted?: { type: string; url: string; count: number }[];
}

export async function kickOff(stack: Stack, path: string, init: RequestInit = {}): Promise<string> {
  const res = await fetch(`${stack.base}${path}`, { ...init, headers: { ...KICK_OFF_HEADERS, ...(init.headers as Record<string, string>) } });
  if (res.status !== 202) throw new Error(`kick-off ${path}: ${res.status} ${await res.text()}`);
  return res.headers.get('content-location')!;
}

/** Polls the status URL until it is no longer 202 (bounded), honouring Retry-After loosely. */
export async function waitFor(statusUrl: string, headers: Record<string, string> = {}, maxMs = 300_000): Promise<Response> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(statusUrl, { headers });
    if (res.status !== 202 && res.status !== 429) return res;
    await res.arrayBuffer();
    if (res.status === 429) await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after'))));
    if (Date.now() - started > maxMs) throw new Error('export did not finish in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function manifestOf(statusUrl: string, headers: Record<string, string> = {}): Promise<Manifest> {
  const res = await waitFor(statusUrl, headers);
  if (res.status !== 200) throw new Error(`export ended with ${res.status}: ${await res.text()}`);
  return await res.json() as Manifest;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function linesOf(url: string, headers: Record<string, string> = {}): Promise<any[]> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`file ${url}: ${res.status}`);
  const text = await res.text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function resourcesOf(m: Manifest, type: string, headers: Record<string, string> = {}): Promise<any[]> {
  const out = [];
  for (const f of m.output.filter((o) => o.type === type)) out.push(...await linesOf(f.url, headers));
  return out;
}

/** Active patients of the simulated clinic (OSCAR's population list: contract 4.5). */
export function activePatients(data: ClinicData): number[] {
  return data.demographics.filter((d) => d.patientStatus.trim() === 'AC').map((d) => d.demographicNo).sort((a, b) => a - b);
}

const VACCINE_TYPES = new Set(VACCINES.map((v) => v.type));

/** Ids of the immunizations (not deleted, of a vaccine type) of the given patients, from the sim's rows. */
export function immunizationIds(data: ClinicData, patients: readonly number[]): number[] {
  const set = new Set(patients);
  return data.preventions.filter((p) => set.has(p.demographicNo) && p.deleted === '0' && VACCINE_TYPES.has(p.preventionType)).map((p) => p.id).sort((a, b) => a - b);
}

export const sortedIds = (rs: { id: string }[]): number[] => rs.map((r) => Number(r.id)).sort((a, b) => a - b);

/**
 * Ids of the rows of `type` that belong to the given patients, from the sim's own tables. OSCAR's
 * document lists silently leave out a document whose file is gone (contract 4.10).
 */
export function simIds(data: ClinicData, type: 'AllergyIntolerance' | 'Appointment' | 'DocumentReference', patients: readonly number[]): number[] {
  const set = new Set(patients);
  const ids = type === 'AllergyIntolerance' ? data.allergies.filter((a) => set.has(a.demographicNo)).map((a) => a.allergyId)
    : type === 'Appointment' ? data.appointments.filter((a) => set.has(a.demographicNo)).map((a) => a.appointmentNo)
      : data.ctlDocuments.filter((c) => c.module === 'demographic' && set.has(c.moduleId) && data.documents.some((d) => d.documentNo === c.documentNo && d.file !== null)).map((c) => c.documentNo);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Patient, Immunization, AllergyIntolerance and Appointment records of the clinic's active patients, from the sim's rows. */
export function expectedRecords(data: ClinicData): Record<string, number[]> {
  const active = activePatients(data);
  return {
    Patient: active, Immunization: immunizationIds(data, active),
    AllergyIntolerance: simIds(data, 'AllergyIntolerance', active), Appointment: simIds(data, 'Appointment', active),
  };
}

/** The manifest's files hold every expected record of each type exactly once, and each file as many lines as it says. */
export async function assertEveryRecordOnce(m: Manifest, expected: Record<string, number[]>, headers: Record<string, string> = {}): Promise<void> {
  for (const [type, ids] of Object.entries(expected)) {
    const got: number[] = [];
    for (const f of m.output.filter((o) => o.type === type)) {
      const lines = await linesOf(f.url, headers);
      assert.equal(lines.length, f.count, `${type}: count matches the file`);
      got.push(...lines.map((l) => Number(l.id)));
    }
    assert.equal(new Set(got).size, got.length, `${type}: nothing twice`);
    assert.deepEqual(got.sort((a, b) => a - b), ids, `${type}: nothing missing`);
  }
}
