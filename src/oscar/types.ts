// OSCAR transfer objects as they arrive over the wire (contract 3.7 for REST JSON, 4.5–4.11 for
// SOAP). REST dates are epoch-ms numbers (date-only values = local midnight of the server zone),
// REST java.sql.Time values are "HH:mm:ss" strings; SOAP dates are xs:dateTime strings with the
// server's offset (or Z with useGMTTime). Optional (`?`) = the element may be absent (SOAP omits
// nulls); `| null` = Jackson sends an explicit null.

// ---------- REST (Jackson JSON) ----------

export interface AddressTo1 { province: string | null; postal: string | null; city: string | null; address: string | null }

export interface ProviderTo1 {
  providerNo: string | null; lastName: string | null; firstName: string | null; name?: string | null;
  [k: string]: unknown;
}

export interface DemographicExtTo1 {
  id: number | null; demographicNo: number | null; providerNo: string | null; key: string | null;
  value: string | null; dateCreated: number | null; hidden: boolean;
}

export interface DemographicTo1 {
  demographicNo: number | null;
  address: AddressTo1;
  phone: string | null;
  alternativePhone: string | null;
  patientStatus: string | null;
  patientStatusDate: number | null;
  rosterStatus: string | null;
  providerNo: string | null;
  hin: string | null;
  ver: string | null;
  dateOfBirth: number | null; // contract 7.4: never use
  dobYear: string | null;
  dobMonth: string | null;
  dobDay: string | null;
  sex: string | null;
  sexDesc: string | null;
  dateJoined: number | null;
  familyDoctor: string | null;
  firstName: string | null;
  lastName: string | null;
  hcRenewDate: number | null;
  pcnIndicator: string | null;
  endDate: number | null;
  hcType: string | null;
  chartNo: string | null;
  email: string | null;
  effDate: number | null;
  rosterDate: number | null;
  rosterTerminationDate: number | null;
  rosterTerminationReason: string | null;
  links: string | null;
  alias: string | null;
  previousAddress: AddressTo1;
  children: string | null;
  sourceOfIncome: string | null;
  citizenship: string | null;
  sin: string | null;
  anonymous: string | null;
  spokenLanguage: string | null;
  activeCount: number;
  hsAlertCount: number;
  displayName: string | null;
  provider: ProviderTo1 | null;
  lastUpdateUser: string | null;
  lastUpdateDate: number | null;
  title: string | null;
  officialLanguage: string | null;
  countryOfOrigin: string | null;
  newsletter: string | null;
  nurse: string | null;
  resident: string | null;
  alert: string | null;
  midwife: string | null;
  notes: string | null;
  waitingListID: number | null;
  waitingListNote: string | null;
  onWaitingListSinceDate: number | null;
  age: { days: number; months: number; years: number } | null;
  admissionProgramId: number | null;
  middleNames: string | null;
  gender: string | null;
  pronoun: string | null;
  genderId: number | null;
  pronounId: number | null;
  cellPhone: string | null;
  phoneComment: string | null;
  demoContacts: unknown[];
  demoContactPros: unknown[];
  extras: DemographicExtTo1[];
  [k: string]: unknown;
}

export interface DemographicSearchResult {
  demographicNo: number; lastName: string | null; firstName: string | null; chartNo: string | null;
  sex: string | null; dob: number | null; providerNo: string | null; providerName: string | null;
  rosterStatus: string | null; patientStatus: string | null; phone: string | null; hin: string | null;
  remoteFacilityId: number | null; formattedDOB: string | null;
}

export interface AbstractSearchResponse<T> {
  offset: number; limit: number; total: number; timestamp: number; content: T[]; query: string | null;
}

export interface AllergyTo1 {
  id: number; demographicNo: number | null; entryDate: number | null; description: string | null;
  reaction: string | null; archived: boolean; hiclSeqno: number | null; hicSeqno: number | null;
  agcsp: number | null; agccs: number | null; typeCode: number | null; drugrefId: string | null;
  startDate: number | null; ageOfOnset: string | null; severityOfReaction: string | null;
  onsetOfReaction: string | null; regionalIdentifier: string | null; lifeStage: string | null;
  position: number; lastUpdateDate: number | null; providerNo: string | null;
}

export interface DocumentTo1 {
  id: number | null; type: string | null; docClass: string | null; subClass: string | null;
  fileName: string | null; description: string | null; xml: string | null; creator: string | null;
  responsible: string | null; source: string | null; sourceFacility: string | null; programId: number | null;
  updateDateTime: number | null; status: string | null; contentType: string | null;
  contentDateTime: number | null; reportMedia: string | null; sentDateTime: number | null; public1: number;
  observationDate: number | null; numberOfPages: number | null; appointmentNo: number | null;
  abnormal: boolean | null; restrictToProgram: boolean | null; queue: number | null;
  providerNo: string | null; demographicNo: number | null; fileContents: string | null;
  reviews: unknown[] | null;
}

/**
 * AppointmentTo1 (contract 3.7, 3.8). Loaded from the database, `startTime`/`endTime` are
 * java.sql.Time "HH:mm:ss" strings and `appointmentDate` is epoch ms of server-zone midnight; in
 * the answer of `POST /schedule/add` all three are epoch ms of the full instant.
 */
export interface AppointmentTo1 {
  id: number | null; providerNo: string | null; appointmentDate: number | null;
  startTime: string | number | null; endTime: string | number | null; name: string | null;
  demographicNo: number; programId: number; notes: string | null; reason: string | null;
  location: string | null; resources: string | null; type: string | null; style: string | null;
  billing: string | null; status: string | null; importedStatus: string | null;
  createDateTime: number | null; updateDateTime: number | null; creator: string | null;
  lastUpdateUser: string | null; remarks: string | null; urgency: string | null;
  creatorSecurityId: number | null; bookingSource: string | null; reasonCode: number | null;
  /** JPA entities, filled only by `POST /schedule/getAppointment` (contract 3.8); never read. */
  demographic?: unknown; provider?: unknown; billingDetail?: unknown;
}

/** `SchedulingResponse` (contract 1.4): members are null unless the endpoint fills them. */
export interface SchedulingResponse {
  appointment: AppointmentTo1 | null;
  appointments: AppointmentTo1[] | null;
  [k: string]: unknown;
}

/** Body of `POST /schedule/add` (contract 3.7, 3.8): wall-clock date and start, duration in minutes. */
export interface NewAppointmentTo1 {
  providerNo: string; appointmentDate: string; startTime: string; duration: number; demographicNo: number;
  status: string; type?: string; reason?: string; notes?: string; location?: string; resources?: string;
  urgency?: string; reasonCode?: number;
}

/** One row of `GET /schedule/{providerNo}/day/{date}` (contract 3.7, 3.8). */
export interface PatientListApptItemBean {
  demographicNo: number | null; appointmentNo: number | null; name: string | null; status: string | null;
  /** "hh:mm AM" */
  startTime: string | null; reason: string | null;
  /** Appointment.getDuration(): "14m " for 09:00–09:14 (the stored end is the last included minute). */
  duration: string | null; type: string | null; notes: string | null;
  /** The start as epoch ms of its server-zone wall clock. */
  date: number | null;
}

/** PreventionTo1 (contract 3.4, 3.7): only id, patient, dates, type and providers are filled. */
export interface PreventionTo1 {
  id: number | null; demographicId: number | null; creationDate: number | null; preventionDate: number | null;
  providerNo: string | null; preventionType: string | null; deleted: boolean; refused: boolean; never: boolean;
  nextDate: number | null; creatorProviderNo: string | null; lastUpdateDate: number | null;
  ineligible?: boolean; deletedRawValue?: string;
}

// ---------- SOAP (CXF / JAXB) ----------

/** xs:dateTime exactly as on the wire, e.g. '2024-03-12T09:00:00-04:00' or '…Z'. */
export type XsDateTime = string;

export interface DemographicTransfer {
  activeCount?: number; address?: string; alias?: string; anonymous?: string; cellPhone?: string;
  chartNo?: string; children?: string; citizenship?: string; city?: string; dateJoined?: XsDateTime;
  dateOfBirth?: string; // contract 7.4: the DAY of month
  demographicNo?: number; displayName?: string; effDate?: XsDateTime; email?: string; endDate?: XsDateTime;
  familyDoctor?: string; firstName?: string; gender?: string; genderId?: number; hcRenewDate?: XsDateTime;
  hcType?: string; headRecord?: number; hin?: string; hsAlertCount?: number; lastName?: string;
  lastUpdateDate?: XsDateTime; lastUpdateUser?: string; links?: string; monthOfBirth?: string;
  officialLanguage?: string; patientStatus?: string; patientStatusDate?: XsDateTime; pcnIndicator?: string;
  phone?: string; phone2?: string; phoneComment?: string; postal?: string; previousAddress?: string;
  pronoun?: string; pronounId?: number; providerNo?: string; province?: string; rosterDate?: XsDateTime;
  rosterStatus?: string; rosterTerminationDate?: XsDateTime; rosterTerminationReason?: string; sex?: string;
  sexDesc?: string; sin?: string; sourceOfIncome?: string; spokenLanguage?: string; title?: string;
  ver?: string; yearOfBirth?: string;
}

export interface DemographicTransfer2 extends DemographicTransfer {
  consentToUseEmailForCare?: boolean; countryOfOrigin?: string; middleNames?: string; newsletter?: string;
  residentialAddress?: string; residentialCity?: string; residentialPostal?: string;
  residentialProvince?: string; rosterEnrolledTo?: string;
}

export interface AppointmentTransfer {
  appointmentEndDateTime?: XsDateTime; appointmentStartDateTime?: XsDateTime; billing?: string;
  bookingSource?: string; createDateTime?: XsDateTime; creator?: string; demographicNo?: number; id?: number;
  lastUpdateUser?: string; location?: string; name?: string; notes?: string; programId?: number;
  providerNo?: string; reason?: string; remarks?: string; resources?: string; status?: string; style?: string;
  type?: string; updateDateTime?: XsDateTime; urgency?: string;
}

/**
 * ScheduleWs.getAppointmentArchivesUpdatedAfterDate row: a copy of an appointment made before a
 * change or its deletion (contract 4.6). `id` is the archive row's own id; `appointmentId` is
 * never filled by OSCAR (docs/bulk-data.md §f.3), and `updateDateTime` is the copied version's.
 */
export interface AppointmentArchiveTransfer extends AppointmentTransfer {
  appointmentId?: number;
}

/** One cell of a day work schedule: its start as the JVM computed it and the code as a number (scheduling §2.1). */
export interface CalendarScheduleCodePairTransfer { date?: XsDateTime; scheduleCode?: number }

/** ScheduleWs.getDayWorkSchedule (scheduling §2.1): no timeSlotDurationMin when the template is missing. */
export interface DayWorkScheduleTransfer {
  holiday?: boolean; timeSlotDurationMin?: number;
  /** Only the cells that carry a code; a gap is a '_' cell. One element or several (contract 4.1). */
  timeSlots?: CalendarScheduleCodePairTransfer | CalendarScheduleCodePairTransfer[];
}

/** ScheduleWs.getScheduleTemplateCodes row (scheduling §2.3): code is a character's number; duration minutes as text. */
export interface ScheduleTemplateCodeTransfer {
  bookinglimit?: number; code?: number; color?: string; confirm?: string; description?: string; duration?: string; id?: number;
}

export interface AllergyTransfer {
  agccs?: number; agcsp?: number; ageOfOnset?: string; demographicNo?: number; description?: string;
  entryDate?: XsDateTime; hicSeqno?: number; hiclSeqno?: number; id?: number; lastUpdateDate?: XsDateTime;
  lifeStage?: string; onsetOfReaction?: string; providerNo?: string; reaction?: string;
  regionalIdentifier?: string; severityOfReaction?: string; startDate?: XsDateTime; typeCode?: number;
}

export interface PreventionExtTransfer { id?: number; key?: string; preventionId?: number; value?: string }

export interface PreventionTransfer {
  creationDate?: XsDateTime; creatorProviderNo?: string; deleted?: boolean; demographicId?: number; id?: number;
  lastUpdateDate?: XsDateTime; never?: boolean; nextDate?: XsDateTime; preventionDate?: XsDateTime;
  preventionExts?: PreventionExtTransfer[]; preventionType?: string; providerNo?: string; refused?: boolean;
}

export interface DocumentTransfer {
  appointmentNo?: number; contenttype?: string; ctlModule?: string; ctlModuleId?: number; ctlStatus?: string;
  docClass?: string; docSubClass?: string; doccreator?: string; docdesc?: string; docfilename?: string;
  doctype?: string; documentNo?: number; docxml?: string; fileContents?: string; numberofpages?: number;
  observationdate?: XsDateTime; programId?: number; public1?: number; responsible?: string;
  reviewdatetime?: XsDateTime; reviewer?: string; source?: string; sourceFacility?: string;
  status?: number; // contract 4.1: char rendered as its code, 65 'A' active, 68 'D' deleted
  updatedatetime?: XsDateTime;
}

export interface ProviderTransfer {
  address?: string; billingNo?: string; comments?: string; dob?: XsDateTime; email?: string; firstName?: string;
  hsoNo?: string; lastName?: string; ohipNo?: string; phone?: string; practitionerNo?: string;
  practitionerNoType?: string; providerActivity?: string; providerNo?: string; providerType?: string;
  rmaNo?: string; sex?: string; signedConfidentiality?: XsDateTime; specialty?: string; status?: string;
  team?: string; title?: string; workPhone?: string;
}

export interface LoginResultTransfer2 { provider?: ProviderTransfer; securityId?: number; securityTokenKey?: string }

// ---------- Request bodies and small envelopes (added with the client, src/oscar/client.ts) ----------

/** Body of REST `POST /demographics/search` (contract 3.6); every key is mandatory. */
export interface DemographicSearchRequest {
  type: 'Name' | 'Phone' | 'HIN' | 'Address' | 'DOB' | 'ChartNo' | 'DemographicNo';
  term: string;
  active: 'true' | 'false';
  integrator: 'true' | 'false';
  outofdomain: 'true' | 'false';
  params: Record<string, string>;
}

/** `GET /ws/services/oauth/info` (contract 2.6): note `providers` (plural) holds one object. */
export interface OAuthInfo {
  providers: Record<string, unknown> | null;
  login: string | null;
  roles: string[];
}

// ---------- Juno (variants §3 H; contract 3.10, 4.13) ----------

/** Juno's SOAP DemographicTransfer: OSCAR's plus the fields Juno added (contract 4.13). */
export interface JunoDemographicTransfer extends DemographicTransfer {
  familyDoctor2?: string; countryOfOrigin?: string; newsletter?: string; veteranNo?: string; notes?: string;
  nameOfMother?: string; nameOfFather?: string; myOscarUserName?: string;
}

/** Second argument of Juno's SOAP addDemographic: who created the record elsewhere (contract 4.13). */
export interface DemographicIntegrationTransfer {
  remoteId?: string; integrationType?: string; createdBySource?: string; createdByRemoteId?: string;
}

/** Juno's `RestResponse`/`RestSearchResponse` envelope of every `/ws/services/v1` answer (contract 3.10). */
export interface JunoRestResponse<T> {
  headers: { buildDate?: string | null; buildTag?: string | null; total?: number; page?: number; perPage?: number } | null;
  body: T | null;
  error: { message: string | null; data?: unknown; validationErrors?: Array<{ path?: string; message?: string }> } | null;
  status: 'SUCCESS' | 'ERROR';
}

/** ISO-8601 calendar date 'YYYY-MM-DD' (Juno's Jackson JavaTimeModule, contract 3.10). */
export type IsoDate = string;

/**
 * Juno `/v1/demographic` transfer (DemographicTransferBasic + Outbound, contract 3.10). Inbound
 * (POST) needs firstName, lastName, sex, dateJoined and dateOfBirth; `lastUpdateDate` is a date only.
 */
export interface JunoDemographic {
  demographicNo?: number | null; lastUpdateDate?: IsoDate | null;
  firstName: string; lastName: string; title?: string | null; sex: string;
  hin?: string | null; sin?: string | null; hcType?: string | null; hcVersion?: string | null;
  hcRenewDate?: IsoDate | null; hcEffectiveDate?: IsoDate | null; dateJoined: IsoDate; endDate?: IsoDate | null;
  dateOfBirth: IsoDate; patientStatus?: string | null; patientStatusDate?: IsoDate | null; veteranNo?: string | null;
  email?: string | null; address?: string | null; city?: string | null; postal?: string | null; province?: string | null;
  previousAddress?: string | null; primaryPhone?: string | null; secondaryPhone?: string | null; cellPhone?: string | null;
  pcnIndicator?: string | null; rosterStatus?: string | null; rosterTerminationReason?: string | null;
  rosterDate?: IsoDate | null; rosterTerminationDate?: IsoDate | null; providerNo?: string | null;
  resident?: string | null; nurse?: string | null; midwife?: string | null; referralDoctorName?: string | null;
  referralDoctorNo?: string | null; familyDoctorName?: string | null; familyDoctorNo?: string | null;
  chartNo?: string | null; alias?: string | null; children?: string | null; sourceOfIncome?: string | null;
  citizenship?: string | null; countryOfOrigin?: string | null; spokenLanguage?: string | null;
  officialLanguage?: string | null; newsletter?: string | null; anonymous?: string | null; notes?: string | null;
  alert?: string | null;
}

/** One row of Juno's `GET /v1/demographics/search` (DemographicListTransfer, contract 3.10). */
export interface JunoDemographicListItem {
  demographicNo: number; firstName: string | null; lastName: string | null; sex: string | null; hin: string | null;
  dateOfBirth: IsoDate | null; patientStatus: string | null; providerNo: string | null; chartNo: string | null;
}

/** Body of Juno's `POST /v1/document` (DocumentTransferInbound, contract 3.10). */
export interface JunoDocumentInbound {
  fileName: string; base64EncodedFile: string; documentDescription: string; documentCreator: string; status: 'A' | 'D';
  documentType?: string; documentClass?: string; documentSubClass?: string; observationDate?: IsoDate;
  publicDocument?: boolean; source?: string; sourceFacility?: string; responsible?: string; appointmentNo?: number;
}
