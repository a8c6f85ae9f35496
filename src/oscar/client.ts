// The typed OSCAR API the FHIR resources call: one method per OSCAR operation, returning the
// transfer objects of types.ts. Every call goes through the same guard: circuit breaker per
// endpoint family → bounded concurrency → per-call deadline → retries for idempotent reads only.

import { HttpTransport } from './http-transport.js';
import { RestClient } from './rest.js';
import type { RestCall } from './rest.js';
import { SoapClient } from './soap.js';
import type { SoapService } from './soap.js';
import type { SoapArgs, SoapValue } from './soap-envelope.js';
import { Limiter } from './guard/limiter.js';
import { CallSlot, type ExchangeSlot } from './guard/slot.js';
import { CircuitBreaker } from './guard/breaker.js';
import { withDeadline } from './guard/deadline.js';
import { backoffMs, isTransient, isUpstreamFailure, sleep } from './guard/retry.js';
import { askedWaitMs, Throttle } from './guard/throttle.js';
import { OscarError, OscarFaultError, OscarProtocolError, OscarUnsupportedRequestError, OscarUnavailableError } from './errors.js';
import { resolveOscarClientOptions } from './options.js';
import { meansStaleCapabilities } from './capabilities/classify.js';
import { createProbeChannel, type ProbeChannel } from './capabilities/probe-channel.js';
import type { OscarCallOutcome, OscarClientOptions, ResolvedOscarClientOptions } from './options.js';
import type { CapabilityMap } from './capabilities/map.js';
import { calendarArg, readWallClock, WALL_CLOCK, writeWallClock } from './normalise/clinic-time.js';
import { instanceSexCode } from './normalise/sex-codes.js';
import type { SexCode } from './normalise/sex-codes.js';
import type {
  AbstractSearchResponse, AllergyTo1, AllergyTransfer, AppointmentArchiveTransfer, AppointmentTo1, AppointmentTransfer, DemographicSearchRequest,
  DayWorkScheduleTransfer, DemographicSearchResult, DemographicTo1, DemographicTransfer, DemographicTransfer2, DocumentTo1, DocumentTransfer,
  DemographicIntegrationTransfer, JunoDemographic, JunoDemographicListItem, JunoDemographicTransfer, JunoDocumentInbound,
  JunoRestResponse, NewAppointmentTo1, OAuthInfo, PatientListApptItemBean, PreventionTo1, PreventionTransfer, ProviderTransfer,
  ScheduleTemplateCodeTransfer, SchedulingResponse,
} from './types.js';

/** OSCAR's MAX_LIST_RETURN_SIZE (variants §2 "Lists"), until discovery reads the instance's own. */
const OSCAR_MAX_LIST_RETURN_SIZE = 5000;

/** Slack of the backstop deadline over the transport's own timeout (see guard/deadline.ts). */
const BACKSTOP_MARGIN_MS = 1_000;

/** An instant as epoch ms, or a calendar date 'YYYY-MM-DD' of the clinic's calendar (normalise/clinic-time.ts). */
export type OscarDate = number | string;

export interface DemographicSearchParams {
  type: DemographicSearchRequest['type'];
  term: string;
  /** Only patients whose status is not an inactive one (contract 3.6); default true. */
  active?: boolean;
  startIndex?: number;
  itemsToReturn?: number;
}

/** Juno `GET /v1/demographics/search` criteria (contract 3.10); at least one criterion is needed. */
export interface JunoDemographicSearch {
  firstName?: string; lastName?: string; hin?: string; sex?: string; dateOfBirth?: string; address?: string;
  chartNo?: string; phone?: string; providerNo?: string;
  /** false (Juno's default): names and numbers match by their start. */
  exactMatch?: boolean;
  /** 1-based. */
  page?: number;
  /** Juno caps it at 100. */
  perPage?: number;
}

export interface JunoSearchPage<T> { rows: T[]; total: number; page: number; perPage: number }

/** SOAP DemographicWs.searchDemographicsByAttributes criteria (contract 4.5); at least one is needed. */
export interface DemographicAttributeSearch {
  hin?: string; firstName?: string; lastName?: string;
  /** X and T both mean the instance's third code (variants B9): the client sends the one it has. */
  gender?: SexCode;
  dateOfBirth?: OscarDate;
  city?: string; province?: string; phone?: string; email?: string; alias?: string;
  startIndex?: number; itemsToReturn?: number;
}

/** contract 4.1: SOAP arrays are repeated elements; one element or none must still read as an array. */
function many<T>(x: T | T[] | null | undefined): T[] {
  if (x === null || x === undefined) return [];
  return Array.isArray(x) ? x : [x];
}

function withExtsArray(p: PreventionTransfer): PreventionTransfer {
  return { ...p, preventionExts: many(p.preventionExts) };
}

/** JAXB orders transfer-object elements alphabetically (contract 4.1); send them the same way. */
function alphabetical<T extends object>(o: T): Record<string, SoapValue> {
  const out: Record<string, SoapValue> = {};
  for (const k of Object.keys(o).sort()) {
    const v = (o as Record<string, SoapValue>)[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

function outcomeOf(e: unknown): OscarCallOutcome {
  if (e instanceof OscarUnsupportedRequestError) return 'unsupported';
  if (!(e instanceof OscarError)) return 'error';
  if (e instanceof OscarUnavailableError && e.reason !== 'connection') return e.reason;
  return e.kind;
}

export class OscarClient {
  readonly options: ResolvedOscarClientOptions;
  private readonly transport: HttpTransport;
  private readonly rest: RestClient;
  private readonly soap: SoapClient;
  private readonly limiter: Limiter;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly throttle: Throttle;

  constructor(options: OscarClientOptions) {
    const o = resolveOscarClientOptions(options);
    this.options = o;
    this.transport = new HttpTransport({ maxSockets: o.maxInFlight + 2, gzip: o.gzip, ...(o.proxy && { proxy: o.proxy }), ...(o.tls && { tls: o.tls }) });
    this.rest = new RestClient({ baseUrl: o.baseUrl, oauth: o.oauth, transport: this.transport });
    this.soap = new SoapClient({
      baseUrl: o.baseUrl, userName: o.soap.userName, password: o.soap.password, transport: this.transport, setupTimeoutMs: o.timeoutMs,
      namespace: () => o.capabilities()?.soap.namespace,
    });
    this.throttle = new Throttle(o.now);
    this.limiter = new Limiter({
      maxInFlight: o.maxInFlight, maxQueue: o.maxQueue, maxWaitMs: o.maxQueueWaitMs,
      ...(o.maxPerCaller !== undefined && { maxPerCaller: o.maxPerCaller }),
    });
  }

  /** State of one breaker family ('rest', 'soap:DemographicService', …), for health checks. */
  breakerState(family: string): 'closed' | 'open' | 'half-open' {
    return this.breakers.get(family)?.state ?? 'closed';
  }

  /** Calls in flight / waiting toward OSCAR right now, and how many may be in flight at once. */
  load(): { inFlight: number; queued: number; slots: number } {
    return { inFlight: this.limiter.inFlight, queued: this.limiter.queued, slots: this.limiter.slots };
  }

  /**
   * How many calls this client may have in flight at once from now on: its share of the clinic's
   * OSCAR_MAX_IN_FLIGHT when several instances serve the clinic (state/membership.ts).
   */
  setMaxInFlight(n: number): void { this.limiter.resize(n); }

  /** Number of SOAP login2 calls so far (a steadily rising count means tokens keep dying). */
  get login2Count(): number { return this.soap.loginCount; }

  close(): void { this.transport.close(); }

  /**
   * Forgets the WSDLs read so far (and the login2 token): after OSCAR's SOAP services changed
   * (a new capability fingerprint), the next call of each service reads its WSDL again.
   */
  forgetWsdls(): void { this.soap.reset(); }

  // ---------------------------------------------------------------- REST: demographics

  /** `GET /demographics/basic/{id}`: the lighter object (contract 3.1). */
  async restGetDemographicBasic(id: number, includes?: readonly 'contacts'[]): Promise<DemographicTo1 | undefined> {
    return this.restRead('getDemographicBasic', { method: 'GET', path: `/demographics/basic/${int(id)}`, query: { 'includes[]': includes } });
  }

  /** `POST /demographics/search` (contract 3.1, 3.6). The term travels in the JSON body, which is not signed. */
  async restSearchDemographics(p: DemographicSearchParams): Promise<AbstractSearchResponse<DemographicSearchResult>> {
    const body: DemographicSearchRequest = {
      type: p.type, term: p.term, active: p.active === false ? 'false' : 'true',
      integrator: 'false', outofdomain: 'true', params: {},
    };
    const r = await this.restRead<AbstractSearchResponse<DemographicSearchResult>>('searchDemographics', {
      method: 'POST', path: '/demographics/search', body,
      // contract 3.1: both are required (null unboxing → 500).
      query: { startIndex: int(p.startIndex ?? 0), itemsToReturn: int(p.itemsToReturn ?? 10) },
    });
    return r ?? emptySearch();
  }

  /** `POST /demographics` → the created record. */
  async restCreateDemographic(to: Partial<DemographicTo1>): Promise<DemographicTo1> {
    const r = await this.restWrite<DemographicTo1>('createDemographic', { method: 'POST', path: '/demographics', body: this.withInstanceSex(to) });
    if (!r) throw new OscarProtocolError('rest:createDemographic', 'empty answer');
    return r;
  }

  /**
   * `PUT /demographics` — XML-only method (contract 1.3, 7.15), so we ask for XML and ignore it.
   * contract 3.1/7.24: fields missing from the body are written as null; send the whole record.
   */
  async restUpdateDemographic(to: Partial<DemographicTo1> & { demographicNo: number }): Promise<void> {
    await this.restWrite('updateDemographic', { method: 'PUT', path: '/demographics', body: this.withInstanceSex(to), accept: 'xml' });
  }

  // ---------------------------------------------------------------- REST: schedule (contract 3.8)

  /**
   * `POST /schedule/getAppointment` {"id"}. contract 3.8: an unknown id is an HTTP 500 error page,
   * which cannot be told from a failure, so it throws like one.
   */
  async restGetAppointment(id: number): Promise<AppointmentTo1 | undefined> {
    const r = await this.restRead<SchedulingResponse>('getAppointment', { method: 'POST', path: '/schedule/getAppointment', body: { id: int(id) } });
    return r?.appointment ?? undefined;
  }

  /** `POST /schedule/{demographicNo}/appointmentHistory`: the patient's appointments but status D, newest first, at most 5000 (contract 3.8). */
  async restAppointmentHistory(demographicNo: number): Promise<AppointmentTo1[]> {
    const r = await this.restRead<SchedulingResponse>('appointmentHistory', { method: 'POST', path: `/schedule/${int(demographicNo)}/appointmentHistory`, body: {} });
    return many(r?.appointments);
  }

  /** `GET /schedule/{providerNo}/day/{yyyy-MM-dd}`: one provider's day without status C, as list items (contract 3.8). */
  async restProviderDay(providerNo: string, date: string): Promise<PatientListApptItemBean[]> {
    const r = await this.restRead<PatientListApptItemBean[]>('providerDay', { method: 'GET', path: `/schedule/${providerSegment(providerNo)}/day/${calendarDate(date)}` });
    return many(r);
  }

  /** `POST /schedule/add` → the booking as OSCAR holds it in memory (times as epoch ms, contract 3.8). */
  async restAddAppointment(to: NewAppointmentTo1): Promise<AppointmentTo1> {
    const r = await this.restWrite<SchedulingResponse>('addAppointment', { method: 'POST', path: '/schedule/add', body: { ...to, startTime: wallTime(to.startTime), appointmentDate: calendarDate(to.appointmentDate), duration: int(to.duration) } });
    const a = r?.appointment;
    if (a?.id === null || a?.id === undefined) throw new OscarProtocolError('rest:addAppointment', 'no appointment id in the answer');
    return a;
  }

  /** `POST /schedule/appointment/{id}/updateStatus`: the one column REST can change safely (contract 3.8). */
  async restUpdateAppointmentStatus(id: number, status: string): Promise<AppointmentTo1 | undefined> {
    const r = await this.restWrite<SchedulingResponse>('updateAppointmentStatus', { method: 'POST', path: `/schedule/appointment/${int(id)}/updateStatus`, body: { status } });
    return r?.appointment ?? undefined;
  }

  /** `POST /schedule/appointment/{id}/updateType` (contract 3.8). */
  async restUpdateAppointmentType(id: number, type: string): Promise<AppointmentTo1 | undefined> {
    const r = await this.restWrite<SchedulingResponse>('updateAppointmentType', { method: 'POST', path: `/schedule/appointment/${int(id)}/updateType`, body: { type } });
    return r?.appointment ?? undefined;
  }

  // ---------------------------------------------------------------- REST: preventions (contract 3.9)

  /** `GET /preventions/immunizations/{demographicNo}`: the latest immunization of each type (C–G, contract 3.9). */
  async restImmunizations(demographicNo: number): Promise<PreventionTo1[]> {
    const r = await this.restRead<{ preventions: PreventionTo1[] | null }>('immunizations', { method: 'GET', path: `/preventions/immunizations/${int(demographicNo)}` });
    return many(r?.preventions);
  }

  /** `GET /preventions/active?demographicNo=`: the latest prevention of each type, screenings included (B–G, contract 3.9). */
  async restActivePreventions(demographicNo: number): Promise<PreventionTo1[]> {
    const r = await this.restRead<{ preventions: PreventionTo1[] | null }>('activePreventions', { method: 'GET', path: '/preventions/active', query: { demographicNo: int(demographicNo) } });
    return many(r?.preventions);
  }

  // ---------------------------------------------------------------- REST: schedule, allergies, documents

  /** `GET /allergies/active?demographicNo=` — non-archived only, with `archived` (contract 3.3, 7.1). */
  async restActiveAllergies(demographicNo: number): Promise<AllergyTo1[]> {
    const r = await this.restRead<{ allergies: AllergyTo1[] | null }>('activeAllergies', { method: 'GET', path: '/allergies/active', query: { demographicNo: int(demographicNo) } });
    return many(r?.allergies);
  }

  /** `POST /document/saveDocumentToDemographic` (contract 3.5): fileName, fileContents (base64), demographicNo required. */
  async restSaveDocumentToDemographic(doc: Partial<DocumentTo1> & { fileName: string; fileContents: string; demographicNo: number }): Promise<DocumentTo1> {
    const r = await this.restWrite<DocumentTo1>('saveDocumentToDemographic', { method: 'POST', path: '/document/saveDocumentToDemographic', body: doc }, this.options.documentTimeoutMs);
    if (!r) throw new OscarProtocolError('rest:saveDocumentToDemographic', 'empty answer');
    return r;
  }

  /** `GET /oauth/info` (contract 2.6): who the access token acts as. */
  async restOauthInfo(): Promise<OAuthInfo> {
    const r = await this.restRead<OAuthInfo & { error?: string }>('oauthInfo', { method: 'GET', path: '/oauth/info' });
    // contract 2.6: failures come back as 200 {"error": …}.
    if (!r || r.error !== undefined) throw new OscarProtocolError('rest:oauthInfo', 'OSCAR reported an internal error');
    return { providers: r.providers ?? null, login: r.login ?? null, roles: many(r.roles) };
  }

  // ---------------------------------------------------------------- Juno integrator REST /ws/services/v1 (contract 3.10)

  /** Juno `GET /v1/demographic/{id}`; an unknown id is Juno's 400 "Invalid Demographic Number" (contract 3.10). */
  async restV1GetDemographic(id: number): Promise<JunoDemographic | undefined> {
    try {
      return await this.v1<JunoDemographic>('v1GetDemographic', { method: 'GET', path: `/v1/demographic/${int(id)}` }, false);
    } catch (e) {
      if (e instanceof OscarFaultError && e.upstreamStatus === 400 && /Invalid Demographic Number/.test(e.upstreamMessage ?? '')) return undefined;
      throw e;
    }
  }

  /** Juno `POST /v1/demographic` → the new demographic number (contract 3.10). */
  async restV1CreateDemographic(d: JunoDemographic): Promise<number> {
    const id = await this.v1<number>('v1CreateDemographic', { method: 'POST', path: '/v1/demographic', body: { ...d, demographicNo: undefined } }, true);
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new OscarProtocolError('rest:v1CreateDemographic', 'no demographic number in the answer');
    return id;
  }

  /** Juno `GET /v1/demographics/search`: start-of-value matches, one page (contract 3.10). */
  async restV1SearchDemographics(q: JunoDemographicSearch): Promise<JunoSearchPage<JunoDemographicListItem>> {
    const query = {
      firstName: q.firstName, lastName: q.lastName, hin: q.hin, sex: q.sex,
      dateOfBirth: q.dateOfBirth === undefined ? undefined : calendarDate(q.dateOfBirth),
      address: q.address, charNo: q.chartNo, phone: q.phone, providerNo: q.providerNo, // contract 3.10: Juno spells it charNo
      exactMatch: q.exactMatch === undefined ? undefined : String(q.exactMatch),
      page: int(q.page ?? 1), perPage: int(q.perPage ?? 10),
    };
    const r = await this.restRead<JunoRestResponse<JunoDemographicListItem[]>>('v1SearchDemographics', { method: 'GET', path: '/v1/demographics/search', query });
    const rows = many(junoBody(r, 'rest:v1SearchDemographics'));
    return { rows, total: r?.headers?.total ?? rows.length, page: r?.headers?.page ?? query.page, perPage: r?.headers?.perPage ?? query.perPage };
  }

  /** Juno `POST /v1/document` → the new document number; the document is in no chart yet (contract 3.10). */
  async restV1PostDocument(doc: JunoDocumentInbound): Promise<number> {
    const id = await this.v1<number>('v1PostDocument', { method: 'POST', path: '/v1/document', body: doc }, true, this.options.documentTimeoutMs);
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new OscarProtocolError('rest:v1PostDocument', 'no document number in the answer');
    return id;
  }

  /** Juno `POST /v1/demographic/{id}/chart/document/{docId}`: files an uploaded document in a chart (contract 3.10). */
  async restV1AssignDocument(demographicNo: number, documentNo: number): Promise<void> {
    await this.v1('v1AssignDocument', { method: 'POST', path: `/v1/demographic/${int(demographicNo)}/chart/document/${int(documentNo)}`, body: {} }, true);
  }

  // ---------------------------------------------------------------- SOAP: DemographicService

  /** DemographicWs.getDemographic — loads ext rows (cellPhone, phoneComment), contract 4.5. */
  async soapGetDemographic(id: number): Promise<DemographicTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.demographic, await this.soapRead<DemographicTransfer>('DemographicService', 'getDemographic', { arg0: int(id) }));
  }

  /** DemographicWs.getDemographic2 — adds residential address, middle names… (contract 4.5). */
  async soapGetDemographic2(id: number): Promise<DemographicTransfer2 | undefined> {
    return this.clinicRow(WALL_CLOCK.demographic, await this.soapRead<DemographicTransfer2>('DemographicService', 'getDemographic2', { arg0: int(id) }));
  }

  async soapGetDemographics(ids: readonly number[]): Promise<DemographicTransfer[]> {
    if (ids.length === 0) return [];
    return this.clinicRows(WALL_CLOCK.demographic, await this.soapRead<DemographicTransfer | DemographicTransfer[]>('DemographicService', 'getDemographics', { arg0: ids.map(int) }));
  }

  async soapSearchDemographicsByAttributes(c: DemographicAttributeSearch): Promise<DemographicTransfer[]> {
    const criteria: Record<string, SoapValue> = {
      arg0: c.hin, arg1: c.firstName, arg2: c.lastName, arg3: c.gender === undefined ? undefined : instanceSexCode(c.gender, this.capabilities()?.soap.genderCodes),
      arg4: c.dateOfBirth === undefined ? undefined : this.xsDate(c.dateOfBirth),
      arg5: c.city, arg6: c.province, arg7: c.phone, arg8: c.email, arg9: c.alias,
    };
    return this.inPages(c.startIndex ?? 0, c.itemsToReturn ?? 100, async (start, count) => this.clinicRows(WALL_CLOCK.demographic,
      await this.soapRead<DemographicTransfer | DemographicTransfer[]>('DemographicService', 'searchDemographicsByAttributes', dropUndefined({ ...criteria, arg10: start, arg11: count }))));
  }

  /** Active (AC) patients updated after `since` (null = all), optionally projected to `fields` (contract 4.5). */
  async soapGetActiveDemographicsAfter(since: OscarDate | null, fields?: readonly string[]): Promise<DemographicTransfer[]> {
    const args = dropUndefined({ lastUpdate: since === null ? undefined : this.xsDate(since), fields: fields?.length ? fields.join(',') : undefined });
    return this.clinicRows(WALL_CLOCK.demographic, await this.soapRead<DemographicTransfer | DemographicTransfer[]>('DemographicService', 'getActiveDemographicsAfter', args));
  }

  // ---------------------------------------------------------------- SOAP: ScheduleService
  // useGMTTime is always false (variants §7.5): the times come in the JVM's zone, and their
  // lexical wall clock is what the clinic booked (normalise/clinic-time.ts).

  async soapGetAppointment2(id: number): Promise<AppointmentTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.appointment, await this.soapRead<AppointmentTransfer>('ScheduleService', 'getAppointment2', { arg0: int(id), arg1: false }));
  }

  /** All of a patient's appointments, newest first, paged; no consent gate (contract 4.6, 7.9). */
  async soapGetAppointmentsForPatient2(demographicNo: number, startIndex: number, itemsToReturn: number): Promise<AppointmentTransfer[]> {
    return this.inPages(startIndex, itemsToReturn, async (start, count) => this.clinicRows(WALL_CLOCK.appointment,
      await this.soapRead<AppointmentTransfer | AppointmentTransfer[]>('ScheduleService', 'getAppointmentsForPatient2', { arg0: int(demographicNo), arg1: start, arg2: count, arg3: false })));
  }

  /** `appointment_date >= start and < end` for one provider (contract 4.6). */
  async soapGetAppointmentsForDateRangeAndProvider2(start: OscarDate, end: OscarDate, providerNo: string): Promise<AppointmentTransfer[]> {
    return this.clinicRows(WALL_CLOCK.appointment, await this.soapRead<AppointmentTransfer | AppointmentTransfer[]>('ScheduleService', 'getAppointmentsForDateRangeAndProvider2',
      { arg0: this.xsDate(start), arg1: this.xsDate(end), arg2: providerNo, arg3: false }));
  }

  /** Archived versions of appointments (deleted, or replaced by a change) stamped after `since`, exclusive, oldest first (contract 4.6). */
  async soapGetAppointmentArchivesUpdatedAfterDate(since: OscarDate, itemsToReturn: number): Promise<AppointmentArchiveTransfer[]> {
    return this.capped('ScheduleService.getAppointmentArchivesUpdatedAfterDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.appointment,
      await this.soapRead<AppointmentArchiveTransfer | AppointmentArchiveTransfer[]>('ScheduleService', 'getAppointmentArchivesUpdatedAfterDate', { arg0: this.xsDate(since), arg1: count, arg2: false })));
  }

  async soapGetAppointmentsUpdatedAfterDate(since: OscarDate, itemsToReturn: number): Promise<AppointmentTransfer[]> {
    return this.capped('ScheduleService.getAppointmentsUpdatedAfterDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.appointment,
      await this.soapRead<AppointmentTransfer | AppointmentTransfer[]>('ScheduleService', 'getAppointmentsUpdatedAfterDate', { arg0: this.xsDate(since), arg1: count, arg2: false })));
  }

  /**
   * ScheduleWs.addAppointment → the new id. contract 4.6: send the exclusive end (OSCAR subtracts
   * 1 ms); id, create/update times and creator are ignored on input.
   */
  async soapAddAppointment(transfer: AppointmentTransfer): Promise<number> {
    const id = await this.soapWrite<number>('ScheduleService', 'addAppointment', { arg0: alphabetical(writeWallClock(transfer, WALL_CLOCK.appointment, this.zone)) });
    if (typeof id !== 'number' || !Number.isFinite(id)) throw new OscarProtocolError('ScheduleService.addAppointment', 'no appointment id in the answer');
    return id;
  }

  async soapUpdateAppointment(transfer: AppointmentTransfer & { id: number }): Promise<void> {
    await this.soapWrite('ScheduleService', 'updateAppointment', { arg0: alphabetical(writeWallClock(transfer, WALL_CLOCK.appointment, this.zone)) });
  }

  /**
   * ScheduleWs.getDayWorkSchedule for one clinic day (scheduling §2.1-2.2): sent as offset-less
   * midnight, which the JVM reads as its own midnight of that day, the one instant at which the
   * holiday flag is reliable. undefined when the provider is not scheduled that day. The cell keys
   * are left as OSCAR wrote them: they are elapsed time from the JVM's midnight, not wall clock,
   * so they must not be re-stamped like wall-clock columns (booking/day-cells.ts reads them).
   */
  async soapGetDayWorkSchedule(providerNo: string, date: string): Promise<DayWorkScheduleTransfer | undefined> {
    return this.soapRead<DayWorkScheduleTransfer>('ScheduleService', 'getDayWorkSchedule', { arg0: providerNo, arg1: calendarArg(calendarDate(date), this.zone) });
  }

  /** Every template code row, duplicates included (scheduling §2.3). */
  async soapGetScheduleTemplateCodes(): Promise<ScheduleTemplateCodeTransfer[]> {
    return many(await this.soapRead<ScheduleTemplateCodeTransfer | ScheduleTemplateCodeTransfer[]>('ScheduleService', 'getScheduleTemplateCodes', {}));
  }

  // ---------------------------------------------------------------- SOAP: Juno DemographicWs and ScheduleWs (contract 4.13)

  /**
   * Juno DemographicWs.addDemographic → the new demographic number. contract 4.13: no
   * demographicNo; first and last name, sex M or F and a valid birth date are required.
   */
  async soapAddDemographic(transfer: JunoDemographicTransfer, integration?: DemographicIntegrationTransfer): Promise<number> {
    const { demographicNo: _id, ...fields } = transfer;
    const id = await this.soapWrite<number>('DemographicService', 'addDemographic',
      dropUndefined({ arg0: alphabetical(writeWallClock(fields, WALL_CLOCK.demographic, this.zone)), arg1: integration ? alphabetical(integration) : undefined }));
    if (typeof id !== 'number' || !Number.isFinite(id)) throw new OscarProtocolError('DemographicService.addDemographic', 'no demographic number in the answer');
    return id;
  }

  /**
   * Juno DemographicWs.updateDemographic. contract 4.13: the record is REPLACED by the transfer
   * (absent fields become null), so send the merged whole; lastUpdateDate is left out so Juno
   * stamps the update instead of keeping the old time.
   */
  async soapUpdateDemographic(transfer: JunoDemographicTransfer & { demographicNo: number }): Promise<void> {
    const { lastUpdateDate: _kept, ...fields } = transfer;
    await this.soapWrite('DemographicService', 'updateDemographic', { arg0: alphabetical(writeWallClock({ ...fields, demographicNo: int(transfer.demographicNo) }, WALL_CLOCK.demographic, this.zone)) });
  }

  /** Juno DemographicWs.getDemographicByHealthNumber(hin, ver?) → the one match, or undefined (contract 4.13). */
  async soapGetDemographicByHealthNumber(hin: string, ver?: string): Promise<JunoDemographicTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.demographic, await this.soapRead<JunoDemographicTransfer>('DemographicService', 'getDemographicByHealthNumber', dropUndefined({ arg0: hin, arg1: ver })));
  }

  /** Juno ScheduleWs.cancelAppointment: status C, last-update user = the caller (contract 4.13). */
  async soapCancelAppointment(id: number): Promise<void> {
    await this.soapWrite('ScheduleService', 'cancelAppointment', { arg0: int(id) });
  }

  // ---------------------------------------------------------------- SOAP: AllergyService

  async soapGetAllergy(id: number): Promise<AllergyTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.allergy, await this.soapRead<AllergyTransfer>('AllergyService', 'getAllergy', { arg0: int(id) }));
  }

  /**
   * A patient's allergies changed after `since` (exclusive), archived ones included, no consent gate
   * (contract 4.8, 7.9). programId/providerNo are ignored by OSCAR and left out.
   */
  async soapGetAllergiesByProgramProviderDemographicDate(demographicNo: number, since: OscarDate, itemsToReturn: number): Promise<AllergyTransfer[]> {
    return this.capped('AllergyService.getAllergiesByProgramProviderDemographicDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.allergy,
      await this.soapRead<AllergyTransfer | AllergyTransfer[]>('AllergyService', 'getAllergiesByProgramProviderDemographicDate', { arg2: int(demographicNo), arg3: this.xsDate(since), arg4: count })));
  }

  async soapGetAllergiesUpdatedAfterDate(since: OscarDate, itemsToReturn: number): Promise<AllergyTransfer[]> {
    return this.capped('AllergyService.getAllergiesUpdatedAfterDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.allergy,
      await this.soapRead<AllergyTransfer | AllergyTransfer[]>('AllergyService', 'getAllergiesUpdatedAfterDate', { arg0: this.xsDate(since), arg1: count })));
  }

  // ---------------------------------------------------------------- SOAP: PreventionService

  async soapGetPrevention(id: number): Promise<PreventionTransfer | undefined> {
    const p = await this.soapRead<PreventionTransfer>('PreventionService', 'getPrevention', { arg0: int(id) });
    return p ? withExtsArray(readWallClock(p, WALL_CLOCK.prevention, this.zone)) : undefined;
  }

  /** Non-deleted preventions with their ext rows, no consent gate (contract 4.9). */
  async soapGetPreventionsByDemographicIdAfter(demographicNo: number, since: OscarDate = 0): Promise<PreventionTransfer[]> {
    const r = await this.soapRead<PreventionTransfer | PreventionTransfer[]>('PreventionService', 'getPreventionsByDemographicIdAfter',
      { lastUpdate: this.xsDate(since), demographicId: int(demographicNo) });
    return this.clinicRows(WALL_CLOCK.prevention, r).map(withExtsArray);
  }

  /**
   * One provider's preventions of a patient changed after `since` (exclusive), deleted rows
   * included. The call where getPreventionsByDemographicIdAfter is absent (OSCAR 15, KAI-15 and
   * Juno, variants B23). OSCAR filters on provider_no and ignores the program (contract 4.9): a
   * null provider matches nothing, so a patient's list takes one call per provider.
   */
  async soapGetPreventionsByProgramProviderDemographicDate(providerNo: string, demographicNo: number, since: OscarDate, itemsToReturn: number): Promise<PreventionTransfer[]> {
    return this.capped('PreventionService.getPreventionsByProgramProviderDemographicDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.prevention,
      await this.soapRead<PreventionTransfer | PreventionTransfer[]>('PreventionService', 'getPreventionsByProgramProviderDemographicDate',
        { arg1: providerNo, arg2: int(demographicNo), arg3: this.xsDate(since), arg4: count })).map(withExtsArray));
  }

  async soapGetPreventionsUpdatedAfterDate(since: OscarDate, itemsToReturn: number): Promise<PreventionTransfer[]> {
    return this.capped('PreventionService.getPreventionsUpdatedAfterDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.prevention,
      await this.soapRead<PreventionTransfer | PreventionTransfer[]>('PreventionService', 'getPreventionsUpdatedAfterDate', { arg0: this.xsDate(since), arg1: count })).map(withExtsArray));
  }

  // ---------------------------------------------------------------- SOAP: DocumentService (bytes inlined → long deadline)

  async soapGetDocument(id: number): Promise<DocumentTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.document, await this.soapRead<DocumentTransfer>('DocumentService', 'getDocument', { arg0: int(id) }, this.options.documentTimeoutMs));
  }

  /** contract 4.10: includes deleted (status 68); unreadable files are silently skipped by OSCAR. */
  async soapGetDocumentsByDemographicIdAfter(demographicNo: number, since: OscarDate = 0): Promise<DocumentTransfer[]> {
    return this.clinicRows(WALL_CLOCK.document, await this.soapRead<DocumentTransfer | DocumentTransfer[]>('DocumentService', 'getDocumentsByDemographicIdAfter',
      { lastUpdate: this.xsDate(since), demographicId: int(demographicNo) }, this.options.documentTimeoutMs));
  }

  /**
   * A patient's documents created BY `providerNo` (doccreator) in program `programId`, or in no
   * program (null / -1), changed after `since` (exclusive); no consent gate (contract 4.10).
   * A null program matches only program-less documents.
   */
  async soapGetDocumentsByProgramProviderDemographicDate(programId: number | null, providerNo: string, demographicNo: number, since: OscarDate, itemsToReturn: number): Promise<DocumentTransfer[]> {
    return this.capped('DocumentService.getDocumentsByProgramProviderDemographicDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.document,
      await this.soapRead<DocumentTransfer | DocumentTransfer[]>('DocumentService', 'getDocumentsByProgramProviderDemographicDate',
        dropUndefined({ arg0: programId === null ? undefined : int(programId), arg1: providerNo, arg2: int(demographicNo), arg3: this.xsDate(since), arg4: count }),
        this.options.documentTimeoutMs)));
  }

  async soapGetDocumentsUpdateAfterDate(since: OscarDate, itemsToReturn: number): Promise<DocumentTransfer[]> {
    return this.capped('DocumentService.getDocumentsUpdateAfterDate', itemsToReturn, async (count) => this.clinicRows(WALL_CLOCK.document,
      await this.soapRead<DocumentTransfer | DocumentTransfer[]>('DocumentService', 'getDocumentsUpdateAfterDate', { arg0: this.xsDate(since), arg1: count }, this.options.documentTimeoutMs)));
  }

  // ---------------------------------------------------------------- SOAP: ProviderService, SystemInfoService

  /** ProviderWs.getLoggedInProviderTransfer: the provider the facade's SOAP account acts as (contract 4.11). */
  async soapGetLoggedInProviderTransfer(): Promise<ProviderTransfer | undefined> {
    return this.clinicRow(WALL_CLOCK.provider, await this.soapRead<ProviderTransfer>('ProviderService', 'getLoggedInProviderTransfer', {}));
  }

  /** active = true/false filters on provider.status; null = all (contract 4.11). */
  async soapGetProviders2(active: boolean | null): Promise<ProviderTransfer[]> {
    return this.clinicRows(WALL_CLOCK.provider, await this.soapRead<ProviderTransfer | ProviderTransfer[]>('ProviderService', 'getProviders2', active === null ? {} : { arg0: active }));
  }

  /**
   * Readiness: SOAP isAlive (also proves the WSDL can be fetched) and REST oauth/info (proves the
   * OAuth credentials), those of `halves` the instance offers, each tried once (no retries) within
   * `timeoutMs`. Each answer is 'ok' or the failure's outcome name ('timeout', 'connection'…,
   * 'circuit-open', 'auth', 'protocol').
   */
  async probe(timeoutMs = Math.min(this.options.timeoutMs, 2_000), halves: { soap: boolean; rest: boolean } = { soap: true, rest: true }): Promise<{ soap?: string; rest?: string }> {
    const once = async (fn: () => Promise<unknown>): Promise<string> => {
      try { await fn(); return 'ok'; } catch (e) { return e instanceof OscarUnavailableError ? e.reason : outcomeOf(e); }
    };
    const [soap, rest] = await Promise.all([
      halves.soap && once(async () => {
        const r = await this.guard('SystemInfoService.isAlive', 'soap:SystemInfoService', false,
          (slot) => this.soap.call<string>('SystemInfoService', 'isAlive', {}, { operation: 'SystemInfoService.isAlive', timeoutMs, slot }), this.soapBackstop(timeoutMs));
        if (r !== 'alive') throw new OscarProtocolError('SystemInfoService.isAlive', 'not alive');
      }),
      halves.rest && once(async () => {
        const r = await this.guard('rest:oauthInfo', 'rest', false,
          (slot) => this.rest.call<{ error?: string }>({ operation: 'rest:oauthInfo', method: 'GET', path: '/oauth/info', timeoutMs, answered: slot.release }), timeoutMs + BACKSTOP_MARGIN_MS);
        // contract 2.6: failures come back as 200 {"error": …}.
        if (!r || r.error !== undefined) throw new OscarProtocolError('rest:oauthInfo', 'OSCAR reported an internal error');
      }),
    ]);
    return { ...(soap && { soap }), ...(rest && { rest }) };
  }

  /**
   * Raw exchanges for capability discovery (capabilities/discover.ts) on this client's transport,
   * signer and limiter; no breaker, no retries. Probes are short: at most 5 s each by default.
   */
  probeChannel(timeoutMs = Math.min(this.options.timeoutMs, 5_000)): ProbeChannel {
    return createProbeChannel({
      baseUrl: this.options.baseUrl, transport: this.transport, rest: this.rest, timeoutMs,
      admit: (operation) => this.limiter.acquire(operation),
    });
  }

  // ---------------------------------------------------------------- plumbing

  /** The clinic's zone: what OSCAR's wall-clock columns mean (variants §7.5). */
  private get zone(): string { return this.options.timezone; }

  private capabilities(): CapabilityMap | undefined { return this.options.capabilities(); }

  /** A Calendar/Date argument (normalise/clinic-time.ts). */
  private xsDate(d: OscarDate): string { return calendarArg(d, this.zone); }

  /** One transfer with its wall-clock columns meant in the clinic zone. */
  private clinicRow<T extends object>(fields: readonly string[], row: T | undefined): T | undefined {
    return row === undefined ? undefined : readWallClock(row, fields, this.zone);
  }

  private clinicRows<T extends object>(fields: readonly string[], rows: T | T[] | null | undefined): T[] {
    return many(rows).map((r) => readWallClock(r, fields, this.zone));
  }

  /** The most rows OSCAR returns at once: getMaxListReturnSize (variants §2 "Lists", §7.5), 5000 unless discovery read another. */
  private listCap(): number {
    return this.capabilities()?.soap.maxListReturnSize ?? OSCAR_MAX_LIST_RETURN_SIZE;
  }

  /** `itemsToReturn` rows from `startIndex`, asked in pages within the list cap (OSCAR refuses larger ones). */
  private async inPages<T>(startIndex: number, itemsToReturn: number, page: (start: number, count: number) => Promise<T[]>): Promise<T[]> {
    const cap = this.listCap();
    const out: T[] = [];
    for (let left = int(itemsToReturn); left > 0;) {
      const count = Math.min(cap, left);
      const rows = await page(int(startIndex) + out.length, count);
      out.push(...rows);
      if (rows.length < count) break;
      left -= count;
    }
    return out;
  }

  /**
   * A list without a start index, asked for at most the list cap. A full answer to a capped
   * question may leave rows out, and a short list would read as complete (callers ask one row
   * more than they accept to see overflow): refused as OSCAR itself would refuse the larger ask.
   */
  private async capped<T>(operation: string, itemsToReturn: number, list: (count: number) => Promise<T[]>): Promise<T[]> {
    const cap = this.listCap();
    if (int(itemsToReturn) <= cap) return list(itemsToReturn);
    const rows = await list(cap);
    if (rows.length >= cap) throw new OscarFaultError(operation, { upstreamMessage: `more rows than this OSCAR returns at once (getMaxListReturnSize ${cap})` });
    return rows;
  }

  /** A REST demographic write with its third sex code in the instance's set (variants B9). */
  private withInstanceSex<T extends { sex?: string | null }>(to: T): T {
    if (typeof to.sex !== 'string') return to;
    const sex = instanceSexCode(to.sex, this.capabilities()?.soap.genderCodes);
    return sex === to.sex ? to : { ...to, sex };
  }

  private restRead<T>(name: string, call: Omit<RestCall, 'operation' | 'timeoutMs'>, timeoutMs = this.options.timeoutMs): Promise<T | undefined> {
    const operation = `rest:${name}`;
    return this.guard(operation, 'rest', true, (slot) => this.rest.call<T>({ ...call, operation, timeoutMs, answered: slot.release }), timeoutMs + BACKSTOP_MARGIN_MS);
  }

  private restWrite<T>(name: string, call: Omit<RestCall, 'operation' | 'timeoutMs'>, timeoutMs = this.options.timeoutMs): Promise<T | undefined> {
    const operation = `rest:${name}`;
    return this.guard(operation, 'rest', false, (slot) => this.rest.call<T>({ ...call, operation, timeoutMs, answered: slot.release }), timeoutMs + BACKSTOP_MARGIN_MS);
  }

  /** A Juno `/ws/services/v1` call, its RestResponse envelope opened here and only here (contract 3.10). */
  private async v1<T>(name: string, call: Omit<RestCall, 'operation' | 'timeoutMs'>, write: boolean, timeoutMs = this.options.timeoutMs): Promise<T | undefined> {
    const r = write ? await this.restWrite<JunoRestResponse<T>>(name, call, timeoutMs) : await this.restRead<JunoRestResponse<T>>(name, call, timeoutMs);
    return junoBody(r, `rest:${name}`);
  }

  private soapRead<T>(service: SoapService, op: string, args: SoapArgs, timeoutMs = this.options.timeoutMs): Promise<T | undefined> {
    const operation = `${service}.${op}`;
    return this.guard(operation, `soap:${service}`, true, (slot) => this.soap.call<T>(service, op, args, { operation, timeoutMs, slot }), this.soapBackstop(timeoutMs));
  }

  private soapWrite<T>(service: SoapService, op: string, args: SoapArgs, timeoutMs = this.options.timeoutMs): Promise<T | undefined> {
    const operation = `${service}.${op}`;
    return this.guard(operation, `soap:${service}`, false, (slot) => this.soap.call<T>(service, op, args, { operation, timeoutMs, slot }), this.soapBackstop(timeoutMs));
  }

  /** A SOAP call may include a WSDL fetch and a login2 (each within timeoutMs), and one re-login and retry. */
  private soapBackstop(timeoutMs: number): number {
    return 2 * timeoutMs + 2 * this.options.timeoutMs + BACKSTOP_MARGIN_MS;
  }

  private breakerFor(family: string): CircuitBreaker {
    let b = this.breakers.get(family);
    if (!b) {
      // Siblings of a half-open probe wait for it, as many as could wait for a slot anyway.
      b = new CircuitBreaker(family, { ...this.options.breaker, now: this.options.now, maxProbeWaiters: this.options.maxQueue });
      this.breakers.set(family, b);
    }
    return b;
  }

  /**
   * Throttle → breaker → limiter → call, retried (reads only) on transient failures with jittered
   * backoff, and after the wait OSCAR asked for when it asked us to slow down (guard/throttle.ts).
   */
  private async guard<T>(operation: string, family: string, idempotent: boolean, fn: (slot: ExchangeSlot) => Promise<T>, backstopMs: number): Promise<T> {
    const started = performance.now();
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        // No await unless something waits: the call is written to OSCAR before any other task of
        // a fan-out runs (limiter.ts tryAcquire).
        const held = this.throttled(operation, family);
        if (held) await held;
        try {
          const r = await this.attempt(operation, family, fn, backstopMs);
          this.observe(operation, family, started, 'ok', attempts);
          return r;
        } catch (e) {
          const wait = this.askedWait(e, family, attempts);
          if (wait !== undefined) {
            this.throttle.hold(family, wait);
            if (!idempotent || attempts > this.options.retries) throw rateLimited(operation, wait);
            continue; // the next attempt waits for the throttle
          }
          if (!idempotent || attempts > this.options.retries || !isTransient(e)) throw e;
        }
        await sleep(backoffMs(attempts - 1, this.options.retryBaseMs, 2_000));
      }
    } catch (e) {
      this.observe(operation, family, started, outcomeOf(e), attempts);
      if (meansStaleCapabilities(e)) this.staleCapabilities(operation);
      throw e;
    }
  }

  /** The wait while OSCAR asked this family to slow down (none: undefined); refuses at once when the wait is too long. */
  private throttled(operation: string, family: string): Promise<void> | undefined {
    const wait = this.throttle.remainingMs(family);
    if (wait === 0) return undefined;
    if (wait > this.options.maxRateLimitWaitMs) throw rateLimited(operation, wait);
    return sleep(wait);
  }

  /** The wait a failed call asks for (guard/throttle.ts); a bare 503 is a rate limit on Juno's REST only (variants B8). */
  private askedWait(e: unknown, family: string, attempt: number): number | undefined {
    return askedWaitMs(e, attempt, family === 'rest' && this.capabilities()?.rest.dialect === 'juno-v1');
  }

  private staleCapabilities(operation: string): void {
    try {
      this.options.onStaleCapabilities?.(operation);
    } catch { /* re-discovery must never break the call's own error */ }
  }

  /**
   * One try under a limiter slot. The exchange gives the slot back as soon as OSCAR's answer is in
   * (guard/slot.ts), so reading the answer is off the chain of calls waiting for a slot.
   */
  private async attempt<T>(operation: string, family: string, fn: (slot: ExchangeSlot) => Promise<T>, backstopMs: number): Promise<T> {
    const breaker = this.breakerFor(family);
    const verdict = breaker.admit(operation);
    if (verdict) await verdict; // half-open: wait for the probe under way
    let slot: CallSlot;
    try {
      slot = new CallSlot(this.limiter, operation, this.limiter.tryAcquire(operation) ?? await this.limiter.acquire(operation));
    } catch (e) {
      breaker.abandon();
      throw e;
    }
    try {
      const r = await withDeadline(fn(slot), backstopMs, operation);
      breaker.success();
      return r;
    } catch (e) {
      // Asked to slow down: OSCAR is alive and the call was not served; the throttle handles it.
      if (this.askedWait(e, family, 1) !== undefined) breaker.abandon();
      else if (isUpstreamFailure(e)) breaker.failure();
      else if (e instanceof OscarError) breaker.success(); // OSCAR answered, if unhappily
      else breaker.abandon();
      throw e;
    } finally {
      slot.end();
    }
  }

  private observe(operation: string, family: string, started: number, outcome: OscarCallOutcome, attempts: number): void {
    const hook = this.options.onCall;
    if (!hook) return;
    try {
      hook({ operation, family, ms: performance.now() - started, outcome, attempts });
    } catch { /* metrics must never break a clinical read */ }
  }
}

/**
 * The body of a Juno RestResponse (contract 3.10). Juno answers some refusals with HTTP 200 and
 * status ERROR (e.g. "Not Implemented"); those are failures too.
 */
function junoBody<T>(r: JunoRestResponse<T> | undefined, operation: string): T | undefined {
  if (r === undefined) return undefined;
  if (r.status !== 'SUCCESS' || r.error) {
    throw new OscarFaultError(operation, { upstreamStatus: 200, upstreamMessage: r.error?.message ?? 'Juno reported an error' });
  }
  return r.body ?? undefined;
}

/** 503 + Retry-After for the FHIR client: OSCAR asked for a longer wait than the call can spend. */
function rateLimited(operation: string, waitMs: number): OscarUnavailableError {
  return new OscarUnavailableError(operation, 'rate-limited', { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
}

function emptySearch<T>(): AbstractSearchResponse<T> {
  return { offset: 0, limit: 0, total: 0, timestamp: Date.now(), content: [], query: null };
}

function dropUndefined(o: Record<string, SoapValue>): SoapArgs {
  const out: Record<string, SoapValue> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** A calendar date for a URL segment or JSON field: exactly YYYY-MM-DD (contract 3.8). */
function calendarDate(d: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new RangeError('not a calendar date (YYYY-MM-DD)');
  return d;
}

/** A 24-hour wall time HH:mm, as `POST /schedule/add` parses it (contract 3.8). */
function wallTime(t: string): string {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(t)) throw new RangeError('not a wall time (HH:mm)');
  return t;
}

/** Provider numbers go into URL paths unescaped by OSCAR: letters and digits only (an empty one means "me", contract 3.2). */
function providerSegment(p: string): string {
  if (!/^[A-Za-z0-9]{1,20}$/.test(p)) throw new RangeError('not a provider number');
  return p;
}

/** Ids and counts go into URLs and SOAP ints: refuse anything but a safe integer early. */
function int(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${String(n)}`);
  return n;
}
