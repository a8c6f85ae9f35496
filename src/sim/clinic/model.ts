// The simulated clinic's database: one row type per OSCAR table we simulate (contract 5).
// Values are stored the way OSCAR's MySQL stores them, not the way either API renders them:
// date-only columns are 'YYYY-MM-DD' strings, datetime columns are 'YYYY-MM-DDTHH:mm:ss' local
// wall-clock strings in the clinic's timezone, char flags are one-character strings.
// The REST and SOAP renderers turn these into Jackson JSON and CXF XML respectively.

/** 'YYYY-MM-DD' (a MySQL DATE). */
export type LocalDate = string;
/** 'YYYY-MM-DDTHH:mm:ss' (a MySQL DATETIME, wall clock in the clinic's timezone). */
export type LocalDateTime = string;
/** 'HH:mm:ss' (a MySQL TIME). */
export type LocalTime = string;

export interface ProviderRow {
  providerNo: string;
  lastName: string;
  firstName: string;
  providerType: string; // doctor, nurse, receptionist, admin…
  specialty: string;
  team: string;
  sex: string; // 'M' | 'F' | ''
  dob: LocalDate | null;
  address: string;
  phone: string;
  workPhone: string;
  email: string | null;
  ohipNo: string;
  rmaNo: string | null;
  billingNo: string;
  hsoNo: string | null;
  status: '1' | '0';
  comments: string | null;
  providerActivity: string | null;
  practitionerNo: string | null;
  practitionerNoType: string | null; // CPSO, CNORN, …
  title: string | null;
  lastUpdateUser: string;
  lastUpdateDate: LocalDateTime;
}

export interface SecurityRow {
  securityNo: number; // the SOAP username
  userName: string; // the login name used by LoginService.login2
  password: string; // plaintext in the simulator (OSCAR stores a hash; the token derives from it)
  providerNo: string | null;
  expireDate: LocalDate | null; // date_ExpireDate
}

export interface DemographicRow {
  demographicNo: number;
  title: string | null;
  lastName: string;
  firstName: string;
  middleNames: string | null;
  alias: string | null;
  sex: string; // M F X U O
  gender: string | null; // free-text gender identity
  pronoun: string | null;
  yearOfBirth: string | null; // may be '' or null: partial birth dates
  monthOfBirth: string | null;
  dateOfBirth: string | null; // the DAY of month
  address: string | null;
  city: string | null;
  province: string | null;
  postal: string | null;
  residentialAddress: string | null;
  residentialCity: string | null;
  residentialProvince: string | null;
  residentialPostal: string | null;
  phone: string | null;
  phone2: string | null;
  email: string | null;
  consentToUseEmailForCare: boolean | null;
  hin: string | null;
  ver: string | null;
  hcType: string | null;
  hcRenewDate: LocalDate | null;
  effDate: LocalDate | null;
  rosterStatus: string | null;
  rosterDate: LocalDate | null;
  rosterTerminationDate: LocalDate | null;
  rosterTerminationReason: string | null;
  rosterEnrolledTo: string | null;
  patientStatus: string; // AC IN DE MO FI …
  patientStatusDate: LocalDate | null;
  dateJoined: LocalDate | null;
  endDate: LocalDate | null;
  chartNo: string | null;
  providerNo: string | null; // MRP
  familyDoctor: string | null;
  officialLanguage: string | null;
  spokenLanguage: string | null;
  countryOfOrigin: string | null;
  newsletter: string | null;
  pcnIndicator: string | null;
  previousAddress: string | null;
  children: string | null;
  sourceOfIncome: string | null;
  citizenship: string | null;
  sin: string | null;
  anonymous: string | null;
  genderId: number | null;
  pronounId: number | null;
  lastUpdateUser: string;
  lastUpdateDate: LocalDateTime;
}

/** demographicExt rows: key_val → value (e.g. demo_cell, hPhoneExt, phoneComment). */
export interface DemographicExtRow {
  id: number;
  demographicNo: number;
  providerNo: string;
  key: string;
  value: string;
  dateCreated: LocalDateTime;
  hidden: boolean;
}

export interface AppointmentRow {
  appointmentNo: number;
  providerNo: string;
  appointmentDate: LocalDate;
  startTime: LocalTime;
  endTime: LocalTime; // contract 7.8: the last INCLUDED minute (or second), e.g. 09:14:00 for a 15-minute visit
  name: string;
  demographicNo: number; // 0 = no patient
  programId: number;
  notes: string;
  reason: string;
  reasonCode: number | null;
  location: string;
  resources: string;
  type: string | null;
  style: string | null;
  billing: string | null;
  status: string; // 1–2 chars, case-sensitive (contract 5.2)
  importedStatus: string | null;
  createDateTime: LocalDateTime;
  updateDateTime: LocalDateTime;
  creator: string;
  lastUpdateUser: string;
  remarks: string;
  urgency: string | null;
  creatorSecurityId: number | null;
  bookingSource: 'OSCAR' | null;
}

/** scheduletemplate (scheduling §1.1): one character per cell of the day; '_' = no code. */
export interface ScheduleTemplateRow {
  providerNo: string; // or the literal 'Public'
  name: string;
  summary: string | null;
  timecode: string | null;
}

/** scheduletemplatecode (scheduling §1.2): code is ONE case-sensitive character; ids change on every edit. */
export interface ScheduleTemplateCodeRow {
  id: number;
  code: string;
  description: string | null;
  duration: string; // minutes as text, may be ''
  color: string | null;
  confirm: string; // No/N, Yes, Day, Wk, Onc
  bookinglimit: number;
}

/** scheduledate (scheduling §1.3): which template (hour) a provider works on a date; status A active, D deleted. */
export interface ScheduleDateRow {
  id: number;
  sdate: LocalDate;
  providerNo: string;
  available: string; // '1' | '0': ignored by getDayWorkSchedule
  priority: string | null; // 'b' generated, 'c' custom
  reason: string; // site name when multisite, else ''
  hour: string; // the template name
  creator: string;
  status: string;
}

/** scheduleholiday (scheduling §1.4): clinic-wide. */
export interface ScheduleHolidayRow { sdate: LocalDate; holidayName: string }

/** appointmentType (scheduling §6): a UI preset, no link to template codes. */
export interface AppointmentTypeRow {
  id: number; name: string; notes: string; reason: string; location: string; resources: string; duration: number;
}

export interface AppointmentStatusRow {
  id: number;
  status: string;
  description: string;
  color: string;
  icon: string;
  active: number;
  editable: number;
  shortLetters: string;
  shortLetterColour: number;
}

export interface AllergyRow {
  allergyId: number;
  demographicNo: number;
  entryDate: LocalDate | null;
  description: string;
  hiclSeqno: number | null;
  hicSeqno: number | null;
  agcsp: number | null;
  agccs: number | null;
  typeCode: number; // 0 custom/free text, 8 ATC, 10 AHFS, 11 generic, 12 compound, 13 brand, 14 ingredient
  reaction: string;
  drugrefId: string | null;
  archived: boolean;
  startDate: LocalDate | null;
  ageOfOnset: string | null;
  severityOfReaction: string | null; // 1 mild 2 moderate 3 severe 4 unknown 5 no reaction
  onsetOfReaction: string | null; // 1 immediate 2 gradual 3 slow 4 unknown
  regionalIdentifier: string | null; // DIN
  lifeStage: string | null;
  position: number;
  lastUpdateDate: LocalDateTime;
  providerNo: string | null;
}

export interface PreventionRow {
  id: number;
  demographicNo: number;
  creationDate: LocalDateTime;
  preventionDate: LocalDateTime;
  providerNo: string; // '-1' or '' = outside provider
  providerName: string | null;
  preventionType: string;
  deleted: '0' | '1';
  refused: '0' | '1' | '2' | '3'; // given, refused, ineligible, completed externally
  nextDate: LocalDate | null;
  never: '0' | '1';
  creator: number | null;
  lastUpdateDate: LocalDateTime;
  snomedId: string | null;
}

export interface PreventionExtRow {
  id: number;
  preventionId: number;
  key: string;
  value: string;
}

export interface DocumentRow {
  documentNo: number;
  doctype: string;
  docClass: string;
  docSubClass: string;
  docdesc: string;
  docxml: string;
  docfilename: string;
  doccreator: string;
  responsible: string;
  source: string;
  sourceFacility: string;
  programId: number | null;
  updatedatetime: LocalDateTime;
  status: 'A' | 'D';
  contenttype: string;
  contentdatetime: LocalDateTime | null;
  public1: number;
  observationdate: LocalDate | null;
  reviewer: string;
  reviewdatetime: LocalDateTime | null;
  numberOfPages: number;
  appointmentNo: number;
  /** The file on "disk"; null = the file is missing (SOAP list calls then skip the document). */
  file: Buffer | null;
}

export interface CtlDocumentRow {
  module: 'demographic' | 'provider';
  moduleId: number;
  documentNo: number;
  status: string;
}

export interface ConsentTypeRow {
  id: number;
  type: string; // 'provider_consent_filter' gates the …ByDemographicIdAfter calls (contract 7.9)
  name: string;
  providerNo: string | null;
  active: boolean;
}

export interface ConsentRow {
  demographicNo: number;
  consentTypeId: number;
  consented: boolean;
}

export interface OAuthClientRow {
  id: number;
  name: string;
  key: string;
  secret: string;
  uri: string;
}

export interface OAuthRequestTokenRow {
  clientId: number;
  token: string;
  secret: string;
  callback: string;
  verifier: string | null;
  providerNo: string | null;
  scopes: string;
  created: number; // epoch ms
}

export interface OAuthAccessTokenRow {
  clientId: number;
  token: string;
  secret: string;
  providerNo: string;
  scopes: string;
  issued: number; // epoch seconds
}

/** Everything the simulated OSCAR database holds. */
/** secUserRole: the roles a provider holds (SecurityInfoManagerImpl.getRoles, contract 1.5). */
export interface SecUserRoleRow {
  providerNo: string;
  roleName: string;
}

export interface ClinicData {
  timezone: string; // IANA zone of the simulated OSCAR server
  providers: ProviderRow[];
  security: SecurityRow[];
  /** Absent: every provider holds every privilege (the simulator before roles were modelled). */
  secUserRoles?: SecUserRoleRow[];
  demographics: DemographicRow[];
  demographicExts: DemographicExtRow[];
  appointments: AppointmentRow[];
  /**
   * appointmentArchive: a copy of an appointment made before each change and before its deletion
   * (contract 4.6); absent = empty. `id` is the archive row's own AUTO_INCREMENT id.
   */
  appointmentArchive?: (AppointmentRow & { id: number })[];
  appointmentStatuses: AppointmentStatusRow[];
  scheduleTemplates: ScheduleTemplateRow[];
  scheduleTemplateCodes: ScheduleTemplateCodeRow[];
  scheduleDates: ScheduleDateRow[];
  scheduleHolidays: ScheduleHolidayRow[];
  appointmentTypes: AppointmentTypeRow[];
  allergies: AllergyRow[];
  preventions: PreventionRow[];
  preventionExts: PreventionExtRow[];
  documents: DocumentRow[];
  ctlDocuments: CtlDocumentRow[];
  consentTypes: ConsentTypeRow[];
  consents: ConsentRow[];
  oauthClients: OAuthClientRow[];
  oauthRequestTokens: OAuthRequestTokenRow[];
  oauthAccessTokens: OAuthAccessTokenRow[];
}
