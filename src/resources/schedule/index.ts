// Schedule ← one bookable OSCAR provider (scheduling §7.1). OSCAR keeps no schedule record of its
// own: a provider's time is a template per day. The planning horizon is the facade's
// (BOOKING_HORIZON_DAYS): OSCAR's real one (its last generated scheduledate row) is exposed by no API.
import type { Schedule } from 'fhir/r4.js';
import {
  defineResource, ID_PARAM, matchesReference, matchesToken, type FhirContext, type ParsedSearch, type ReferenceClause,
  type SearchClause, type SearchParamDef, type SearchResult, type TokenClause,
} from '../../fhir/index.js';
import { bookableProviders, bookingContext } from '../../booking/context.js';
import { horizonOf } from '../../booking/horizon.js';
import { providerOfScheduleId, SCHEDULE_ID, scheduleIdOf } from '../../booking/slot-id.js';
import { isBookable, templateCodeTable, type TemplateCode } from '../../booking/template-codes.js';
import { formatFhirDateTime } from '../../time/zone.js';
import type { ResourceDeps } from '../deps.js';
import { localSystem } from '../mapping-config.js';
import { templateCodeSystem } from '../slot/search-params.js';

const R4 = 'http://hl7.org/fhir/SearchParameter/';

const SCHEDULE_SEARCH_PARAMS: SearchParamDef[] = [
  { ...ID_PARAM, description: 'prov-{providerNo}.' },
  { name: 'actor', type: 'reference', definition: `${R4}Schedule-actor`, target: ['Practitioner'], description: 'The provider (Practitioner/{providerNo}).' },
  { name: 'active', type: 'token', definition: `${R4}Schedule-active`, system: 'http://hl7.org/fhir/special-values', codes: ['true', 'false'], description: 'Always true: only providers offering online booking have a Schedule.' },
];

export function scheduleDefinition(deps: ResourceDeps) {
  const tz = deps.mapping.timezone;

  async function scheduleOf(providerNo: string, codes: ReadonlyMap<string, TemplateCode>): Promise<Schedule> {
    const b = bookingContext(deps);
    const h = horizonOf(b);
    const display = await deps.providers.displayOf(providerNo);
    const bookable = [...codes.values()].filter((c) => isBookable(c, providerNo, b.rules));
    return {
      resourceType: 'Schedule',
      id: scheduleIdOf(providerNo),
      identifier: [{ system: localSystem(deps.mapping, 'providerSchedule'), value: providerNo }],
      active: true,
      ...(bookable.length > 0 && {
        serviceType: bookable.map((c) => ({ coding: [{ system: templateCodeSystem(deps.baseUrl), code: c.code, ...(c.description && { display: c.description }) }] })),
      }),
      actor: [{ reference: `Practitioner/${providerNo}`, ...(display && { display }) }],
      planningHorizon: { start: formatFhirDateTime(h.startMs, tz), end: formatFhirDateTime(h.endMs, tz) },
      comment: `Generated from OSCAR day templates; times in ${tz}`,
    };
  }

  async function read(_ctx: FhirContext, id: string): Promise<Schedule | undefined> {
    const providerNo = providerOfScheduleId(id);
    if (!providerNo || !(await bookableProviders(deps)).includes(providerNo)) return undefined;
    return scheduleOf(providerNo, templateCodeTable(await deps.oscar.soapGetScheduleTemplateCodes()));
  }

  function matches(s: Schedule, c: SearchClause): boolean {
    switch (c.name) {
      case '_id': return matchesToken(c as TokenClause, [{ code: s.id }]);
      case 'actor': return matchesReference(c as ReferenceClause, s.actor.map((a) => a.reference));
      case 'active': return matchesToken(c as TokenClause, [{ code: String(s.active) }]);
      default: return false;
    }
  }

  async function search(_ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<Schedule>> {
    const [providers, rows] = await Promise.all([bookableProviders(deps), deps.oscar.soapGetScheduleTemplateCodes()]);
    const codes = templateCodeTable(rows);
    const all = await Promise.all(providers.map((p) => scheduleOf(p, codes)));
    return { resources: all.filter((x) => s.clauses.every((c) => matches(x, c))), unpaged: true };
  }

  return defineResource<Schedule>({
    type: 'Schedule',
    documentation: 'One per provider offering online booking (active OSCAR providers, narrowed by BOOKING_PROVIDERS). serviceType lists the template codes bookable online; planningHorizon is BOOKING_HORIZON_DAYS from today (OSCAR exposes no horizon of its own). Free time is searched with Slot.',
    idPattern: SCHEDULE_ID,
    searchParams: SCHEDULE_SEARCH_PARAMS,
    readOnlyReason: 'OSCAR schedules are edited in OSCAR\'s own screens; no API writes templates',
    interactions: { read, search },
  });
}
