// Documents + ctl_document (contract 5.5): PDFs (real bytes, page count as stored), plain-text
// notes and PNG photos linked to patients; a deleted one ('D', still returned by SOAP), one whose
// file is missing on disk (SOAP list calls skip it, contract 4.10), and provider-module documents.
import type { AppointmentRow, CtlDocumentRow, DocumentRow, LocalDateTime } from './model.js';
import { addDays } from './calendar.js';
import { type GenContext, dateBetween, minDate, nextId, providerNumber, stampBetween, yesterday } from './gen-context.js';
import type { PatientInfo } from './gen-patients.js';
import { makePdf } from './pdf.js';
import { makePng } from './png.js';

export interface DocumentBuild { ctx: GenContext; out: DocumentRow[]; ctl: CtlDocumentRow[]; appointmentsByPatient: ReadonlyMap<number, readonly AppointmentRow[]> }

interface Template {
  doctype: string;
  descs: readonly string[];
  kind: 'pdf' | 'text' | 'png';
  pages: readonly [number, number];
  docClass: string;
  subClasses: readonly string[];
  sources: readonly string[];
}

const PATIENT_TEMPLATES: readonly (readonly [Template, number])[] = [
  [{ doctype: 'lab', descs: ['CBC results', 'Lipid panel', 'HbA1c', 'Résultats de laboratoire', 'Urine culture'], kind: 'pdf', pages: [1, 2], docClass: 'Diagnostic Test Report', subClasses: ['Blood work', 'Microbiology', ''], sources: ['LifeLabs', 'Dynacare', ''] }, 30],
  [{ doctype: 'consult', descs: ['Consult letter - Cardiology', 'Dermatology consult', 'Lettre de consultation - Neurologie', 'Orthopaedic surgery consult'], kind: 'pdf', pages: [1, 3], docClass: 'Consultant ReportA', subClasses: ['Cardiology', 'Dermatology', 'Neurology', ''], sources: ['Toronto General Hospital', 'CHUM', ''] }, 25],
  [{ doctype: 'radiology', descs: ['Chest X-Ray', 'Ultrasound abdomen', 'Mammogram report', 'Échographie pelvienne'], kind: 'pdf', pages: [1, 1], docClass: 'Diagnostic Imaging Report', subClasses: ['Chest X-Ray', 'Ultrasound', 'Mammogram'], sources: ['Mount Sinai Imaging', 'Imagerie Montréal', ''] }, 20],
  [{ doctype: 'others', descs: ['Patient questionnaire', 'Phone message', 'Note de télémédecine'], kind: 'text', pages: [0, 0], docClass: '', subClasses: [''], sources: [''] }, 10],
  [{ doctype: 'insurance', descs: ['Insurance form', 'Disability claim form'], kind: 'pdf', pages: [2, 4], docClass: 'Other Letter', subClasses: [''], sources: [''] }, 5],
  [{ doctype: 'legal', descs: ['Power of attorney', 'Consent to release information'], kind: 'pdf', pages: [2, 5], docClass: 'Other Letter', subClasses: [''], sources: [''] }, 3],
  [{ doctype: 'photo', descs: ['Photo of rash', 'Wound photo', 'Photo - lésion cutanée'], kind: 'png', pages: [0, 0], docClass: '', subClasses: [''], sources: [''] }, 7],
];

const CONTENT_TYPE = { pdf: 'application/pdf', text: 'text/plain', png: 'image/png' } as const;
const EXTENSION = { pdf: 'pdf', text: 'txt', png: 'png' } as const;

function compact(at: LocalDateTime): string {
  return at.replace(/[-T:]/g, '');
}

function slug(desc: string): string {
  return desc.normalize('NFD').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toLowerCase().slice(0, 40);
}

function fileFor(ctx: GenContext, kind: Template['kind'], pages: number, title: string): Buffer {
  if (kind === 'pdf') return makePdf(pages, title);
  if (kind === 'png') return makePng(8, [ctx.rng.int(0, 255), ctx.rng.int(0, 255), ctx.rng.int(0, 255)]);
  return Buffer.from(`${title}\nSynthetic test note. Not a real patient record.\n`, 'utf8');
}

function makeDocument(b: DocumentBuild, t: Template, at: LocalDateTime, creator: string, over: Partial<DocumentRow> = {}): DocumentRow {
  const { ctx } = b;
  const { rng } = ctx;
  const docdesc = rng.pick(t.descs);
  // contract 7.26: number_of_pages is counted for PDFs; other files store 0.
  const numberOfPages = t.kind === 'pdf' ? rng.int(t.pages[0], t.pages[1]) : 0;
  const observed = addDays(at.slice(0, 10), -rng.int(0, 5));
  const reviewed = rng.chance(0.6);
  const row: DocumentRow = {
    documentNo: nextId(ctx, 'document'),
    doctype: t.doctype,
    docClass: t.docClass,
    docSubClass: rng.pick(t.subClasses),
    docdesc,
    docxml: '',
    docfilename: `${compact(at)}_${slug(docdesc)}.${EXTENSION[t.kind]}`,
    doccreator: creator,
    responsible: rng.weighted([[creator, 60], ['', 40]]),
    source: rng.pick(t.sources),
    sourceFacility: '',
    programId: rng.weighted<number | null>([[10034, 80], [null, 20]]),
    updatedatetime: at,
    status: 'A',
    contenttype: CONTENT_TYPE[t.kind],
    contentdatetime: at,
    public1: rng.chance(0.05) ? 1 : 0,
    observationdate: observed,
    reviewer: reviewed ? ctx.credentials.providerNo : '',
    reviewdatetime: reviewed ? stampBetween(ctx, at.slice(0, 10), addDays(at.slice(0, 10), 7)) : null,
    numberOfPages,
    appointmentNo: -1,
    file: fileFor(ctx, t.kind, numberOfPages, docdesc),
    ...over,
  };
  b.out.push(row);
  return row;
}

export function generatePatientDocuments(b: DocumentBuild, p: PatientInfo, index: number): void {
  const { ctx } = b;
  const { rng } = ctx;
  const link = (doc: DocumentRow): void => { b.ctl.push({ module: 'demographic', moduleId: p.row.demographicNo, documentNo: doc.documentNo, status: 'A' }); };
  const lab = PATIENT_TEMPLATES[0]?.[0];
  if (index === 0 && lab) {
    // samples §7: "CBC results", one page.
    link(makeDocument(b, lab, '2024-03-12T10:15:00', ctx.credentials.providerNo, {
      docdesc: 'CBC results', docfilename: '20240312101500_cbc.pdf', numberOfPages: 1, file: makePdf(1, 'CBC results'),
      observationdate: '2024-03-11', programId: 10034, responsible: ctx.credentials.providerNo, docClass: '', docSubClass: '', source: '',
      reviewer: '', reviewdatetime: null, public1: 0,
    }));
    return;
  }
  const count = rng.weighted([[0, 35], [1, 30], [2, 20], [3, 10], [4, 5]]);
  const from = p.row.dateJoined && p.row.dateJoined > p.birthDate ? p.row.dateJoined : p.birthDate;
  const last = minDate(p.lastSeen, yesterday(ctx));
  for (let i = 0; i < count; i++) {
    const t = rng.weighted(PATIENT_TEMPLATES);
    const at = stampBetween(ctx, dateBetween(ctx, from, last), last);
    const creator = rng.pick(ctx.clinicians).providerNo;
    const appts = b.appointmentsByPatient.get(p.row.demographicNo)?.filter((a) => a.appointmentDate <= at.slice(0, 10)) ?? [];
    const doc = makeDocument(b, t, at, creator, {
      appointmentNo: appts.length && rng.chance(0.1) ? rng.pick(appts).appointmentNo : -1,
    });
    if (rng.chance(0.03)) { doc.status = 'D'; doc.updatedatetime = stampBetween(ctx, at.slice(0, 10), yesterday(ctx)); }
    else if (rng.chance(0.02)) doc.file = null;
    link(doc);
  }
}

/** Fixed cases (a deleted document, a missing file) and the provider-module documents. */
export function generateSpecialDocuments(b: DocumentBuild, patients: readonly PatientInfo[]): void {
  const { ctx } = b;
  const { rng } = ctx;
  const active = patients.filter((p) => p.active);
  const lab = PATIENT_TEMPLATES[0]?.[0];
  const consult = PATIENT_TEMPLATES[1]?.[0];
  if (active.length && lab && consult) {
    const p1 = rng.pick(active);
    const deleted = makeDocument(b, consult, stampBetween(ctx, addDays(ctx.today, -200), addDays(ctx.today, -100)), ctx.credentials.providerNo);
    deleted.status = 'D'; // contract 4.10: soft-deleted, still listed (status 68)
    deleted.updatedatetime = stampBetween(ctx, addDays(ctx.today, -99), yesterday(ctx));
    b.ctl.push({ module: 'demographic', moduleId: p1.row.demographicNo, documentNo: deleted.documentNo, status: 'A' });
    const p2 = rng.pick(active);
    const missing = makeDocument(b, lab, stampBetween(ctx, addDays(ctx.today, -300), addDays(ctx.today, -30)), ctx.credentials.providerNo);
    missing.file = null; // contract 4.10: the file is gone from DOCUMENT_DIR
    b.ctl.push({ module: 'demographic', moduleId: p2.row.demographicNo, documentNo: missing.documentNo, status: 'A' });
  }
  const providerDocs: readonly [string, string, Template['kind'], number][] = [
    ['handout', 'Patient handout - Hypertension diet', 'pdf', 2],
    ['forms', 'Blank lab requisition', 'pdf', 1],
    ['resource', 'Clinic phone list', 'text', 0],
    ['photo', 'Provider photo', 'png', 0],
  ];
  for (const [doctype, desc, kind, pages] of providerDocs) {
    const at = stampBetween(ctx, addDays(ctx.today, -900), yesterday(ctx));
    const doc = makeDocument(b, { doctype, descs: [desc], kind, pages: [pages, pages], docClass: '', subClasses: [''], sources: [''] }, at, ctx.credentials.providerNo, { programId: null });
    b.ctl.push({ module: 'provider', moduleId: providerNumber(ctx.credentials.providerNo), documentNo: doc.documentNo, status: 'A' });
  }
}
