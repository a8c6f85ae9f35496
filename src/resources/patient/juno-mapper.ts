// Patient ⇄ Juno's demographic transfers (variants §3 H): the integrator REST `JunoDemographic`
// with ISO dates (contract 3.10) and Juno's SOAP DemographicTransfer for add/update (contract
// 4.13). Reads restate the record as the SOAP transfer the common mapper reads, so a patient
// looks the same on every path; writes reuse the Patient → DemographicTo1 rules and then rename.

import type { Patient } from 'fhir/r4.js';
import type { DemographicTo1, DemographicTransfer, IsoDate, JunoDemographic, JunoDemographicTransfer } from '../../oscar/types.js';
import { localDateOf } from '../../time/zone.js';
import type { MappingConfig } from '../mapping-config.js';
import type { MappingError } from '../mapping-errors.js';
import { restMsOfDate, xsDate } from '../oscar-dates.js';
import { nonBlank } from '../without-empty.js';
import { emptyDemographic, patientFromSoap, patientToDemographic, type PatientMappingOptions } from './mapper.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An ISO date as the offset-less local midnight a SOAP Date field takes (the JVM keeps the wall clock). */
const xsMidnight = (d: IsoDate | null | undefined): string | undefined => (d && ISO_DATE.test(d) ? `${d}T00:00:00` : undefined);
const str = (v: string | null | undefined): string | undefined => v ?? undefined;

/**
 * Juno `/v1/demographic` record → Patient. contract 3.10: its `lastUpdateDate` is a date only, so
 * it gives no meta.lastUpdated (a day is no version).
 */
export function patientFromJunoRest(d: JunoDemographic, cfg: MappingConfig, opts: PatientMappingOptions = {}): Patient {
  const dob = ISO_DATE.exec(d.dateOfBirth ?? '');
  const t: DemographicTransfer = {
    demographicNo: d.demographicNo ?? undefined, firstName: str(d.firstName), lastName: str(d.lastName), title: str(d.title),
    alias: str(d.alias), sex: str(d.sex), hin: str(d.hin), ver: str(d.hcVersion), hcType: str(d.hcType),
    effDate: xsMidnight(d.hcEffectiveDate), hcRenewDate: xsMidnight(d.hcRenewDate), patientStatus: str(d.patientStatus),
    yearOfBirth: dob?.[1], monthOfBirth: dob?.[2], dateOfBirth: dob?.[3], // contract 4.5: the SOAP day-of-month field
    phone: str(d.primaryPhone), phone2: str(d.secondaryPhone), cellPhone: str(d.cellPhone), email: str(d.email),
    address: str(d.address), city: str(d.city), province: str(d.province), postal: str(d.postal),
    officialLanguage: str(d.officialLanguage), providerNo: str(d.providerNo), chartNo: str(d.chartNo),
  };
  return patientFromSoap(t, cfg, opts);
}

/** A SOAP date field as the REST epoch ms of its local midnight (what patientToDemographic keeps). */
function msOf(value: string | undefined, cfg: MappingConfig): number | null {
  const d = xsDate(value, cfg.timezone);
  return d ? restMsOfDate(d, cfg.timezone) : null;
}

/** Juno's SOAP record in the REST shape the Patient write rules merge into. */
function asDemographicTo1(t: DemographicTransfer, cfg: MappingConfig): DemographicTo1 {
  const s = (v: string | undefined): string => v ?? '';
  return {
    ...emptyDemographic(),
    demographicNo: t.demographicNo ?? null, firstName: s(t.firstName), lastName: s(t.lastName), title: s(t.title), alias: s(t.alias),
    sex: s(t.sex), hin: s(t.hin), ver: s(t.ver), hcType: s(t.hcType), chartNo: s(t.chartNo), email: s(t.email),
    phone: s(t.phone), alternativePhone: s(t.phone2), cellPhone: s(t.cellPhone),
    address: { address: s(t.address), city: s(t.city), province: s(t.province), postal: s(t.postal) },
    dobYear: s(t.yearOfBirth), dobMonth: s(t.monthOfBirth), dobDay: s(t.dateOfBirth), patientStatus: s(t.patientStatus),
    providerNo: s(t.providerNo), officialLanguage: s(t.officialLanguage), effDate: msOf(t.effDate, cfg), hcRenewDate: msOf(t.hcRenewDate, cfg),
  };
}

export interface JunoDemographicWrite<T> {
  value: T;
  /** FHIR elements present in the Patient that Juno cannot store (for an information issue). */
  notStored: string[];
  /** Why Juno cannot store this Patient at all (422). */
  errors: MappingError[];
}

/** The Patient → DemographicTo1 rules, plus what Juno's transfers cannot carry. */
function demographicFor(p: Patient, current: DemographicTo1 | undefined, cfg: MappingConfig): { to: DemographicTo1; notStored: string[]; errors: MappingError[] } {
  const w = patientToDemographic(p, current, cfg);
  // Juno's transfers have no middle names: the extra given names would be dropped silently.
  if (nonBlank(w.to.middleNames) && !nonBlank(current?.middleNames)) w.notStored.push('Patient.name.given');
  return w;
}

const isoOfMs = (ms: number | null, cfg: MappingConfig): IsoDate | undefined => (ms === null ? undefined : localDateOf(ms, cfg.timezone));

/**
 * Patient → Juno's SOAP DemographicTransfer for addDemographic / updateDemographic (contract
 * 4.13). On update pass the current transfer: Juno replaces the whole record, so every field the
 * Patient does not speak for (notes, family doctors, veteran number…) is sent back as it was.
 * Juno's SOAP accepts sex M or F only.
 */
export function junoTransferFor(p: Patient, current: JunoDemographicTransfer | undefined, cfg: MappingConfig): JunoDemographicWrite<JunoDemographicTransfer> {
  const { to, notStored, errors } = demographicFor(p, current ? asDemographicTo1(current, cfg) : undefined, cfg);
  if (to.sex !== 'M' && to.sex !== 'F' && p.gender) {
    errors.push({ expression: 'Patient.gender', message: 'Juno stores only male or female through its SOAP web services' });
  }
  const x = (ms: number | null): string | undefined => xsMidnight(isoOfMs(ms, cfg));
  const { lastUpdateDate: _stamp, ...kept } = current ?? {};
  const v = (text: string | null | undefined): string => text ?? '';
  const value: JunoDemographicTransfer = {
    ...kept,
    demographicNo: current?.demographicNo, firstName: v(to.firstName), lastName: v(to.lastName), title: v(to.title), alias: v(to.alias),
    sex: v(to.sex), hin: v(to.hin), ver: v(to.ver), hcType: v(to.hcType), effDate: x(to.effDate), hcRenewDate: x(to.hcRenewDate),
    chartNo: v(to.chartNo), email: v(to.email), phone: v(to.phone), phone2: v(to.alternativePhone), cellPhone: v(to.cellPhone),
    address: v(to.address.address), city: v(to.address.city), province: v(to.address.province), postal: v(to.address.postal),
    yearOfBirth: v(to.dobYear), monthOfBirth: v(to.dobMonth), dateOfBirth: v(to.dobDay),
    patientStatus: v(to.patientStatus), providerNo: v(to.providerNo), officialLanguage: v(to.officialLanguage),
  };
  if (value.demographicNo === undefined) delete value.demographicNo;
  return { value, notStored, errors };
}

/**
 * Patient → Juno `POST /v1/demographic` body (contract 3.10): ISO dates, Juno's field names,
 * `dateJoined` (required) = today in the clinic zone, and Juno's own third sex code T (variants §6 B9).
 */
export function junoInboundFor(p: Patient, cfg: MappingConfig, now: number = Date.now()): JunoDemographicWrite<JunoDemographic> {
  const { to, notStored, errors } = demographicFor(p, undefined, cfg);
  const value: JunoDemographic = {
    firstName: to.firstName ?? '', lastName: to.lastName ?? '', title: nonBlank(to.title) ?? null,
    sex: to.sex === 'X' ? 'T' : to.sex ?? '', hin: nonBlank(to.hin) ?? null, hcType: nonBlank(to.hcType) ?? null,
    hcVersion: nonBlank(to.ver) ?? null, hcEffectiveDate: isoOfMs(to.effDate, cfg) ?? null, hcRenewDate: isoOfMs(to.hcRenewDate, cfg) ?? null,
    dateJoined: localDateOf(now, cfg.timezone), dateOfBirth: `${to.dobYear}-${to.dobMonth}-${to.dobDay}`,
    patientStatus: to.patientStatus, email: nonBlank(to.email) ?? null, primaryPhone: nonBlank(to.phone) ?? null,
    secondaryPhone: nonBlank(to.alternativePhone) ?? null, cellPhone: nonBlank(to.cellPhone) ?? null,
    address: nonBlank(to.address.address) ?? null, city: nonBlank(to.address.city) ?? null,
    province: nonBlank(to.address.province) ?? null, postal: nonBlank(to.address.postal) ?? null,
    providerNo: nonBlank(to.providerNo) ?? null, chartNo: nonBlank(to.chartNo) ?? null, alias: nonBlank(to.alias) ?? null,
    officialLanguage: nonBlank(to.officialLanguage) ?? null,
  };
  return { value, notStored, errors };
}
