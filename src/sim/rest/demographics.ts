// DemographicService (contract 3.1, 3.6, 7.23–7.25): /demographics under /ws/services.

import type { DemographicRow } from '../clinic/model.js';
import type { ClinicStore } from '../clinic/store.js';
import { activeAllergiesTo1 } from './allergies.js';
import type { JsonEntity } from './body.js';
import { searchPatients, SEARCH_MODES, SORT_MODES, type SearchMode, type SortMode } from './demographic-search.js';
import {
  demographicTo1, loadDemographic, providerTo1, rosterStatusValues, searchResultOf,
} from './demographic-to.js';
import { DEMOGRAPHIC_TO1, demographicRowFromTo, domainFromTo, saveExtras } from './demographic-write.js';
import { ContainerError } from './errors.js';
import { JSON_TYPE, XML_TYPE } from './media.js';
import { entity, intParam, intQuery, noContent, searchResponse, type RestContext, type RestRoute, type RestResult } from './route.js';
import { jaxbDocument } from './xml.js';

const BOTH = [JSON_TYPE, XML_TYPE] as const;
/** contract 1.3: methods without @Produces inherit AbstractServiceImpl's XML-only @Produces. */
const XML_ONLY = [XML_TYPE] as const;
const MAX_LIST = 500;

const asDocument = (t: Record<string, unknown>, ctx: RestContext) => (): string => jaxbDocument('demographicTo1', t, ctx.tz);

/**
 * GET /demographics/{id} and /basic/{id}: the converter output plus the extra lists. contract 3.7:
 * one list object is reused for doctors/nurses/midwives and for both status lists, so they alias.
 */
function detailedDemographic(store: ClinicStore, row: DemographicRow, heavy: boolean, includes: string[]): Record<string, unknown> {
  const t = demographicTo1(loadDemographic(store, row, true), store);
  if (heavy) {
    // the roles come from secUserRole; the provider type stands in for it here
    const midwives = store.data.providers.filter((p) => p.providerType === 'midwife').map((p) => providerTo1(p, store.serverZone));
    t.doctors = midwives; t.nurses = midwives; t.midwives = midwives;
  }
  const statuses = rosterStatusValues(store);
  t.patientStatusList = statuses;
  t.rosterStatusList = statuses;
  if (heavy && includes.includes('allergies')) t.allergies = activeAllergiesTo1(store, row.demographicNo);
  return t;
}

function requireBody(ctx: RestContext): JsonEntity {
  if (ctx.body === null) throw new ContainerError('java.lang.NullPointerException');
  return ctx.body;
}

/** json-lib JSONObject.getString: a missing key throws (contract 3.6 → 500). */
function getString(json: Record<string, unknown>, key: string): string {
  if (!(key in json)) throw new ContainerError(`net.sf.json.JSONException: JSONObject["${key}"] not found.`);
  const v = json[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function searchRequestOf(json: Record<string, unknown>): { mode: SearchMode; term: string; active: boolean; sortMode: SortMode; sortDir: 'asc' | 'desc' } {
  const type = getString(json, 'type');
  if (!(SEARCH_MODES as readonly string[]).includes(type)) throw new ContainerError(`java.lang.IllegalArgumentException: No enum constant SEARCHMODE.${type}`);
  const term = getString(json, 'term');
  const active = getString(json, 'active').toLowerCase() === 'true';
  getString(json, 'integrator');
  getString(json, 'outofdomain'); // read, then overridden (contract 3.6)
  const params = json.params;
  if (!('params' in json) || params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ContainerError('net.sf.json.JSONException: JSONObject["params"] is not a JSONObject.');
  }
  let sortMode: SortMode = 'Name';
  let sortDir: 'asc' | 'desc' = 'asc';
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    const m = /sorting\[(\w+)\]/.exec(key);
    if (!m) continue;
    const mode = m[1] ?? '';
    if (!(SORT_MODES as readonly string[]).includes(mode)) throw new ContainerError(`java.lang.IllegalArgumentException: No enum constant SORTMODE.${mode}`);
    if (value !== 'asc' && value !== 'desc') throw new ContainerError(`java.lang.IllegalArgumentException: No enum constant SORTDIR.${String(value)}`);
    sortMode = mode as SortMode;
    sortDir = value;
  }
  return { mode: type as SearchMode, term, active, sortMode, sortDir };
}

function createOrUpdate(ctx: RestContext, update: boolean): Record<string, unknown> {
  const to = requireBody(ctx);
  const caller = ctx.provider().providerNo;
  const store = ctx.store;
  let id: number;
  if (update) {
    if (to.demographicNo == null) throw new ContainerError('java.lang.IllegalArgumentException: id to load is required');
    id = to.demographicNo as number;
    if (!store.demographic(id)) throw new ContainerError('org.hibernate.StaleStateException: Batch update returned unexpected row count');
  } else {
    id = 0;
  }
  const row = demographicRowFromTo(to, id, store, caller);
  if (update) {
    Object.assign(store.demographic(id) as DemographicRow, row);
  } else {
    row.demographicNo = store.nextId('demographic'); // admissionProgramId only admits to a program (not simulated)
    store.insertDemographic(row);
  }
  const extras = saveExtras(store, to, row.demographicNo, caller);
  // the converter runs after the write, so a partial birth date is saved and still answers 500
  return demographicTo1(domainFromTo(to, { ...row }, extras, store.now()), store);
}

export const demographicRoutes: RestRoute[] = [
  {
    method: 'GET', path: '/demographics', produces: XML_ONLY, consumes: [JSON_TYPE], intQuery: ['offset', 'limit'],
    handle(ctx) {
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const offset = intQuery(ctx, 'offset') ?? 0;
      const limit = intQuery(ctx, 'limit') ?? 0;
      if (limit > MAX_LIST) throw new ContainerError('ca.openosp.openo.commn.dao.MaxSelectLimitExceededException');
      const active = ctx.store.data.demographics.filter((d) => d.patientStatus === 'AC').sort((a, b) => a.demographicNo - b.demographicNo);
      const page = active.slice(offset, offset + (limit === 0 ? MAX_LIST : limit));
      const list = {
        offset, limit, total: active.length, timestamp: ctx.store.now(),
        Item: page.map((d) => demographicTo1(loadDemographic(ctx.store, d, false), ctx.store)),
      };
      return entity(list, () => jaxbDocument('List', list, ctx.tz));
    },
  },
  {
    method: 'GET', path: '/demographics/quickSearch', produces: [JSON_TYPE], consumes: [JSON_TYPE],
    handle(ctx) {
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const now = ctx.store.now();
      const query = ctx.query.get('query');
      if (query === null) return entity(searchResponse([], 0, now, null));
      const [mode, keyword]: [SearchMode, string] = query.startsWith('addr:') ? ['Address', query.slice(5)]
        : query.startsWith('chartNo:') ? ['ChartNo', query.slice(8)] : ['Name', query];
      const all = searchPatients(ctx.store, { mode, keyword, active: true, sortMode: 'Name', sortDir: 'asc' });
      if (all.length === 0) return entity(searchResponse([], 0, now, null));
      // contract 3.1: at most 10 results (hard-coded), total = the full count
      return entity(searchResponse(all.slice(0, 10).map((d) => searchResultOf(ctx.store, d)), all.length, now, query));
    },
  },
  {
    method: 'POST', path: '/demographics/search', produces: [JSON_TYPE], consumes: [JSON_TYPE],
    entity: { kind: 'objectNode' }, intQuery: ['startIndex', 'itemsToReturn'],
    handle(ctx) {
      const now = ctx.store.now();
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const req = searchRequestOf(requireBody(ctx));
      if (req.term.length < 1) return entity(searchResponse([], 0, now, null));
      const all = searchPatients(ctx.store, { mode: req.mode, keyword: req.term, active: req.active, sortMode: req.sortMode, sortDir: req.sortDir });
      if (all.length === 0) return entity(searchResponse([], 0, now, null));
      const start = intQuery(ctx, 'startIndex');
      const count = intQuery(ctx, 'itemsToReturn');
      // contract 3.1: Integer → int unboxing of an absent parameter
      if (start === null || count === null) throw new ContainerError('java.lang.NullPointerException');
      return entity(searchResponse(all.slice(start, start + count).map((d) => searchResultOf(ctx.store, d)), all.length, now, null));
    },
  },
  {
    method: 'GET', path: '/demographics/basic/{id}', produces: BOTH, consumes: [JSON_TYPE], intParams: ['id'],
    handle(ctx): RestResult {
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const row = ctx.store.demographic(intParam(ctx, 'id'));
      if (!row) return noContent;
      const t = detailedDemographic(ctx.store, row, false, []);
      return entity(t, asDocument(t, ctx));
    },
  },
  {
    method: 'GET', path: '/demographics/summary/{id}', produces: [JSON_TYPE], consumes: [JSON_TYPE], intParams: ['id'],
    handle(ctx) {
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const row = ctx.store.demographic(intParam(ctx, 'id'));
      if (!row) throw new ContainerError('java.lang.NullPointerException'); // contract 3.1: not found → 500
      const t = demographicTo1(loadDemographic(ctx.store, row, false), ctx.store);
      const cell = ctx.store.data.demographicExts.find((e) => e.demographicNo === row.demographicNo && e.key === 'demo_cell');
      if (cell) t.alternativePhone = cell.value;
      return entity(t);
    },
  },
  {
    method: 'GET', path: '/demographics/{id}', produces: BOTH, consumes: [JSON_TYPE], intParams: ['id'],
    handle(ctx): RestResult {
      ctx.requirePrivilege('_demographic'); // contract 3.1: privilege _demographic r
      const row = ctx.store.demographic(intParam(ctx, 'id'));
      if (!row) return noContent;
      const t = detailedDemographic(ctx.store, row, true, ctx.query.getAll('includes[]'));
      return entity(t, asDocument(t, ctx));
    },
  },
  {
    method: 'POST', path: '/demographics', produces: BOTH, consumes: [JSON_TYPE], entity: { kind: 'bean', schema: DEMOGRAPHIC_TO1 },
    handle(ctx) {
      const t = createOrUpdate(ctx, false);
      return entity(t, asDocument(t, ctx));
    },
  },
  {
    method: 'PUT', path: '/demographics', produces: XML_ONLY, consumes: [JSON_TYPE], entity: { kind: 'bean', schema: DEMOGRAPHIC_TO1 },
    handle(ctx) {
      const t = createOrUpdate(ctx, true);
      return entity(t, asDocument(t, ctx));
    },
  },
  {
    method: 'DELETE', path: '/demographics/{id}', produces: XML_ONLY, consumes: [JSON_TYPE], intParams: ['id'],
    handle(ctx) {
      const caller = ctx.provider().providerNo;
      const row = ctx.store.demographic(intParam(ctx, 'id'));
      const result = row ? detailedDemographic(ctx.store, row, true, []) : null;
      if (!row || !result) throw new ContainerError('java.lang.IllegalArgumentException: Unable to find demographic record');
      // DemographicManager.deleteDemographic keeps the row and marks it deceased/deleted
      row.patientStatus = 'DE';
      row.lastUpdateUser = caller;
      row.lastUpdateDate = ctx.store.nowLocal();
      return entity(result, asDocument(result, ctx));
    },
  },
];
