// The resources of Juno's integrator API at /ws/services/v1 (variants §3 card H, §4.2): demographic
// read/create (update answers "Not Implemented"), demographic search, document upload to the inbox,
// filing a document in a chart, and providers. Tickler and eForm resources are not simulated.
import type { DemographicRow, DocumentRow, ProviderRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { like, equalsCi } from '../soap/query.js';
import { wallClockOf } from '../wall-clock.js';
import { demographicListItem, demographicOutbound, birthDate, providerTransfer } from './transfers.js';
import { constraintViolations, failure, searchSuccess, success, type Violation } from './response.js';

export interface V1Context {
  store: ClinicStore;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: Record<string, unknown> | null;
  /** The provider of the OAuth access token. */
  provider: ProviderRow;
}

export interface V1Answer { status: number; value: unknown }

export interface V1Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  intParams?: readonly string[];
  /** Reads a JSON body (POST/PUT with @Consumes(application/json)). */
  json?: boolean;
  handle(ctx: V1Context): V1Answer;
}

/** An exception the GeneralExceptionMapper turns into 500 "System error". */
export class SystemError extends Error {}

/**
 * JAXRSBeanValidationInInterceptor runs once the parameters are read: @DemographicNoConstraint and
 * @DocumentNoConstraint check the row exists, the bodies' @NotNull and value constraints apply
 * (Hibernate Validator 5 messages). Paths are `<javaMethod>.arg<N>[.<property>]`.
 */
const invalidDemographic = (ctx: V1Context, param: string, path: string): Violation[] => {
  const id = Number(ctx.params[param]);
  return id >= 1 && ctx.store.demographic(id) ? [] : [{ path, message: 'Invalid Demographic Number' }];
};

function bodyViolations(body: Record<string, unknown> | null, path: string, required: readonly string[], allowed: Readonly<Record<string, readonly string[]>> = {}): Violation[] {
  const to = body ?? {};
  const out: Violation[] = required.filter((k) => to[k] == null).map((k) => ({ path: `${path}.${k}`, message: 'may not be null' }));
  for (const [k, values] of Object.entries(allowed)) {
    if (to[k] != null && !values.includes(String(to[k]))) out.push({ path: `${path}.${k}`, message: 'Invalid String Value' });
  }
  return out;
}

/** Runs the handler only when validation found nothing. */
const validated = (violations: readonly Violation[], then: () => V1Answer): V1Answer =>
  (violations.length ? { status: 400, value: constraintViolations(violations) } : then());

const DEMOGRAPHIC_REQUIRED = ['firstName', 'lastName', 'sex', 'dateJoined', 'dateOfBirth'];
const DEMOGRAPHIC_VALUES = { sex: ['M', 'F', 'T', 'O', 'U'], patientStatus: ['AC', 'IN', 'DE', 'FI', 'MO'] };

const ok = (value: unknown): V1Answer => ({ status: 200, value: success(value) });
/** MissingArgumentExceptionMapper: 412 with the argument map. */
const missing = (message: string, infoMap: Record<string, string>): V1Answer => ({ status: 412, value: failure({ message, infoMap }) });
/** ValidationExceptionMapper: 400 (bean validation or HinValidationService). */
const invalid = (message: string): V1Answer => ({ status: 400, value: failure({ message, validationErrors: [] }) });

const str = (o: Record<string, unknown>, k: string): string | null => (typeof o[k] === 'string' ? o[k] as string : null);

function demographicOf(ctx: V1Context): DemographicRow {
  const row = ctx.store.demographic(Number(ctx.params.demographicId));
  if (!row) throw new SystemError(); // validation vouched for it
  return row;
}

/** DemographicTransferInbound → a new row (DemographicService.addNewDemographicRecord). */
function createDemographic(ctx: V1Context): V1Answer {
  const to = ctx.body ?? {};
  const hin = str(to, 'hin')?.trim() || null;
  if (hin !== null && ctx.store.data.demographics.some((d) => equalsCi(d.hin, hin))
    && !(equalsCi(str(to, 'hcType'), 'BC') && str(to, 'hcVersion') === '66')) return invalid('Duplicate Hin');
  const dob = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str(to, 'dateOfBirth') ?? '');
  if (!dob) return { status: 400, value: failure({ message: 'System error' }) };
  const id = ctx.store.nextId('demographic');
  const s = (k: string): string | null => str(to, k);
  ctx.store.insertDemographic({
    demographicNo: id, title: s('title'), lastName: s('lastName') ?? '', firstName: s('firstName') ?? '', middleNames: null,
    alias: s('alias'), sex: s('sex') ?? '', gender: null, pronoun: null, yearOfBirth: dob[1] ?? null, monthOfBirth: dob[2] ?? null,
    dateOfBirth: dob[3] ?? null, address: s('address'), city: s('city'), province: s('province'), postal: s('postal'),
    residentialAddress: null, residentialCity: null, residentialProvince: null, residentialPostal: null,
    phone: s('primaryPhone'), phone2: s('secondaryPhone'), email: s('email'), consentToUseEmailForCare: null,
    hin, ver: s('hcVersion'), hcType: s('hcType'), hcRenewDate: s('hcRenewDate'), effDate: s('hcEffectiveDate'),
    rosterStatus: s('rosterStatus'), rosterDate: s('rosterDate'), rosterTerminationDate: s('rosterTerminationDate'),
    rosterTerminationReason: s('rosterTerminationReason'), rosterEnrolledTo: null, patientStatus: s('patientStatus') ?? 'AC',
    patientStatusDate: s('patientStatusDate'), dateJoined: s('dateJoined'), endDate: s('endDate'), chartNo: s('chartNo'),
    providerNo: s('providerNo'), familyDoctor: null, officialLanguage: s('officialLanguage'), spokenLanguage: s('spokenLanguage'),
    countryOfOrigin: s('countryOfOrigin'), newsletter: s('newsletter'), pcnIndicator: s('pcnIndicator'),
    previousAddress: s('previousAddress'), children: s('children'), sourceOfIncome: s('sourceOfIncome'),
    citizenship: s('citizenship'), sin: s('sin'), anonymous: s('anonymous'), genderId: null, pronounId: null,
    lastUpdateUser: ctx.provider.providerNo, lastUpdateDate: ctx.store.nowLocal(),
  });
  return ok(id);
}

const SEARCH_PARAMS = ['firstName', 'lastName', 'hin', 'sex', 'dateOfBirth', 'address', 'charNo', 'phone', 'providerNo'];

/** DemographicsWs.search: start-of-value matches (exact with exactMatch=true), all statuses, by demographicNo. */
function search(ctx: V1Context): V1Answer {
  const q = (k: string): string | null => ctx.query.get(k);
  if (SEARCH_PARAMS.every((k) => q(k) === null)) return missing('At least one search parameter is required', {});
  const dob = q('dateOfBirth');
  if (dob !== null && !/^\d{4}-\d{2}-\d{2}$/.test(dob)) return missing('Argument Error', { dateOfBirth: 'Invalid Format' });
  const exact = q('exactMatch') === 'true';
  const match = (v: string | null, p: string | null): boolean => p === null || (exact ? equalsCi(v, p) : like(v, `${p.replace(/[\\%_]/g, '\\$&')}%`));
  const page = Math.max(1, Number(q('page') ?? 1) || 1);
  const perPage = Math.max(1, Number(q('perPage') ?? 10) || 10);
  const rows = [...ctx.store.data.demographics].sort((a, b) => a.demographicNo - b.demographicNo).filter((d) =>
    match(d.firstName, q('firstName')) && match(d.lastName, q('lastName')) && match(d.hin, q('hin'))
    && (q('sex') === null || equalsCi(d.sex, q('sex') ?? '')) && (dob === null || birthDate(d) === dob)
    && match(d.address, q('address')) && match(d.chartNo, q('charNo')) && match(d.phone, q('phone'))
    && (q('providerNo') === null || equalsCi(d.providerNo, q('providerNo') ?? '')));
  const pageRows = rows.slice((page - 1) * perPage, page * perPage);
  return { status: 200, value: searchSuccess(pageRows.map(demographicListItem), page, perPage, rows.length) };
}

/** DocumentWs.postDocument: a new document in the general inbox, filed in no chart. */
function postDocument(ctx: V1Context): V1Answer {
  const to = ctx.body ?? {};
  if (to.documentNo != null) return missing('Argument Error', { documentNo: 'Document number for a new record must be null' });
  const file = Buffer.from(str(to, 'base64EncodedFile') ?? '', 'base64');
  const now = ctx.store.nowLocal();
  const fileName = str(to, 'fileName') ?? '';
  const row: DocumentRow = {
    documentNo: ctx.store.nextId('document'), doctype: str(to, 'documentType') ?? '', docClass: str(to, 'documentClass') ?? '',
    docSubClass: str(to, 'documentSubClass') ?? '', docdesc: str(to, 'documentDescription') ?? '', docxml: str(to, 'documentXml') ?? '',
    docfilename: `${wallClockOf(ctx.store.now(), ctx.store.serverZone).replace(/[-T:]/g, '')}_${fileName}`,
    doccreator: str(to, 'documentCreator') ?? '', responsible: str(to, 'responsible') ?? '', source: str(to, 'source') ?? '',
    sourceFacility: str(to, 'sourceFacility') ?? '', programId: -1, updatedatetime: now, status: str(to, 'status') === 'D' ? 'D' : 'A',
    contenttype: fileName.toLowerCase().endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream', contentdatetime: now,
    public1: 0, observationdate: str(to, 'observationDate') ?? now.slice(0, 10), reviewer: str(to, 'reviewer') ?? '',
    reviewdatetime: null, numberOfPages: 1, appointmentNo: typeof to.appointmentNo === 'number' ? to.appointmentNo : -1, file,
  };
  ctx.store.insertDocument(row);
  return ok(row.documentNo);
}

/** DocumentService.assignDocumentToDemographic: the ctl_document link that files it in the chart. */
function assignDocument(ctx: V1Context): V1Answer {
  const demographicNo = demographicOf(ctx).demographicNo;
  const documentNo = Number(ctx.params.documentId);
  const doc = ctx.store.document(documentNo);
  if (!doc) throw new SystemError(); // validation vouched for it
  ctx.store.data.ctlDocuments.push({ module: 'demographic', moduleId: demographicNo, documentNo, status: doc.status });
  return ok(documentNo);
}

export const V1_ROUTES: readonly V1Route[] = [
  {
    method: 'GET', path: '/demographic/{demographicId}', intParams: ['demographicId'],
    handle: (ctx) => validated(invalidDemographic(ctx, 'demographicId', 'getDemographic.arg0'), () => ok(demographicOutbound(demographicOf(ctx), ctx.store))),
  },
  {
    // Validated, then the resource checks the write privilege and answers an error envelope with HTTP 200.
    method: 'PUT', path: '/demographic/{demographicId}', intParams: ['demographicId'], json: true,
    handle: (ctx) => validated([...invalidDemographic(ctx, 'demographicId', 'putDemographic.arg0'),
      ...bodyViolations(ctx.body, 'putDemographic.arg1', DEMOGRAPHIC_REQUIRED, DEMOGRAPHIC_VALUES)],
    () => ({ status: 200, value: failure({ message: 'Not Implemented' }) })),
  },
  {
    method: 'POST', path: '/demographic', json: true,
    handle: (ctx) => validated(bodyViolations(ctx.body, 'postDemographic.arg0', DEMOGRAPHIC_REQUIRED, DEMOGRAPHIC_VALUES), () => createDemographic(ctx)),
  },
  {
    method: 'POST', path: '/demographic/{demographicId}/chart/document/{documentId}', intParams: ['demographicId', 'documentId'], json: true,
    handle: (ctx) => {
      const documentId = Number(ctx.params.documentId);
      const badDocument = documentId >= 1 && ctx.store.document(documentId) ? [] : [{ path: 'assignDocument.arg1', message: 'Invalid Document Number' }];
      return validated([...invalidDemographic(ctx, 'demographicId', 'assignDocument.arg0'), ...badDocument], () => assignDocument(ctx));
    },
  },
  { method: 'GET', path: '/demographics/search', handle: search },
  {
    method: 'POST', path: '/document', json: true,
    handle: (ctx) => {
      const creator = ctx.body?.documentCreator;
      const badCreator = creator != null && !ctx.store.provider(String(creator)) ? [{ path: 'postDocument.arg0.documentCreator', message: 'Invalid Provider Number' }] : [];
      return validated([...bodyViolations(ctx.body, 'postDocument.arg0', ['status', 'base64EncodedFile', 'documentDescription', 'documentCreator', 'fileName'], { status: ['A', 'D'] }), ...badCreator],
        () => postDocument(ctx));
    },
  },
  {
    method: 'GET', path: '/provider/{id}',
    handle: (ctx) => { const p = ctx.store.provider(ctx.params.id ?? ''); return ok(p ? providerTransfer(p) : null); },
  },
  { method: 'GET', path: '/providers/providers_json', handle: (ctx) => ok(ctx.store.data.providers.map(providerTransfer)) },
];
