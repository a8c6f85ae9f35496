// A burst of changes made in OSCAR's own screens after a given time, for tests of what changed
// since then (bulk export `_since`): edits and deletions stamped at a few whole seconds, many
// rows per second, as a bulk import or a migration stamps them (MySQL DATETIME: one-second
// precision), so OSCAR's "updated after" lists meet ties at their page boundaries. Deterministic
// from its seed. Edits follow OSCAR: a prevention edit soft-deletes the old row and inserts a
// corrected copy with a new id and ext previousId (contract 7.10); a deletion marks the row.
import type { PreventionExtRow, PreventionRow } from './model.js';
import { Rng } from './random.js';
import type { ClinicStore } from './store.js';
import { VACCINES } from './vaccines.js';
import { wallClockOf } from '../wall-clock.js';

export interface ChangeBurstPlan {
  seed: number;
  /** Epoch ms of the whole seconds the changes are stamped at; the changes are spread over them in order. */
  seconds: readonly number[];
  patients: number;
  preventionEdits: number;
  preventionDeletes: number;
  allergies: number;
  appointments: number;
}

/** What the burst changed, by FHIR type: ids of changed records, and of immunizations deleted. */
export interface ChangeBurstTruth {
  Patient: number[];
  Immunization: number[];
  AllergyIntolerance: number[];
  Appointment: number[];
  deletedImmunization: number[];
}

const VACCINE_TYPES = new Set(VACCINES.map((v) => v.type));

function pickSome<T>(rng: Rng, from: readonly T[], n: number): T[] {
  const pool = [...from];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0]!);
  return out;
}

/** Changes rows of active patients only (the ones a population export lists). */
export function applyChangeBurst(store: ClinicStore, plan: ChangeBurstPlan): ChangeBurstTruth {
  const rng = new Rng(plan.seed);
  const data = store.data;
  const active = new Set(data.demographics.filter((d) => d.patientStatus.trim() === 'AC').map((d) => d.demographicNo));
  const total = plan.patients + plan.preventionEdits + plan.preventionDeletes + plan.allergies + plan.appointments;
  let n = 0;
  // The stamp of the next change: the seconds in turn, each taking an equal run of changes.
  const stamp = (): string => wallClockOf(plan.seconds[Math.min(plan.seconds.length - 1, Math.floor((n++ * plan.seconds.length) / Math.max(1, total)))]!, store.serverZone);
  const truth: ChangeBurstTruth = { Patient: [], Immunization: [], AllergyIntolerance: [], Appointment: [], deletedImmunization: [] };

  for (const d of pickSome(rng, data.demographics.filter((x) => active.has(x.demographicNo)), plan.patients)) {
    d.lastUpdateDate = stamp();
    truth.Patient.push(d.demographicNo);
  }

  const extsOf = new Map<number, PreventionExtRow[]>();
  for (const e of data.preventionExts) {
    const list = extsOf.get(e.preventionId);
    if (list) list.push(e); else extsOf.set(e.preventionId, [e]);
  }
  const candidates = data.preventions.filter((p) => p.deleted === '0' && active.has(p.demographicNo) && VACCINE_TYPES.has(p.preventionType));
  const chosen = pickSome(rng, candidates, plan.preventionEdits + plan.preventionDeletes);
  chosen.forEach((old, i) => {
    const at = stamp();
    old.deleted = '1';
    old.lastUpdateDate = at;
    truth.deletedImmunization.push(old.id);
    if (i >= plan.preventionEdits) return;
    const copy: PreventionRow = { ...old, id: store.nextId('prevention'), deleted: '0', creationDate: at, lastUpdateDate: at };
    store.insertPrevention(copy);
    for (const e of extsOf.get(old.id) ?? []) data.preventionExts.push({ ...e, id: store.nextId('preventionExt'), preventionId: copy.id });
    data.preventionExts.push({ id: store.nextId('preventionExt'), preventionId: copy.id, key: 'previousId', value: String(old.id) });
    truth.Immunization.push(copy.id);
  });

  for (const a of pickSome(rng, data.allergies.filter((x) => active.has(x.demographicNo)), plan.allergies)) {
    a.lastUpdateDate = stamp();
    a.reaction = a.reaction ? `${a.reaction} (reviewed)` : 'Reviewed';
    truth.AllergyIntolerance.push(a.allergyId);
  }

  for (const a of pickSome(rng, data.appointments.filter((x) => active.has(x.demographicNo)), plan.appointments)) {
    a.updateDateTime = stamp();
    a.notes = a.notes ? `${a.notes} (confirmed)` : 'Confirmed by phone';
    truth.Appointment.push(a.appointmentNo);
  }
  for (const k of Object.keys(truth) as (keyof ChangeBurstTruth)[]) truth[k].sort((a, b) => a - b);
  return truth;
}
