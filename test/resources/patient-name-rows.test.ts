// A Patient name search decides name, family and given on the OSCAR row before mapping it
// (search-match.ts rowMatchesNames): it must answer exactly as the match on the mapped Patient
// (patientMatches) over every tricky name, and a search by names alone maps the returned page only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Bundle, BundleEntry, Patient } from 'fhir/r4.js';
import { createRouter, parseSearch, type FhirResponse, type SearchClause } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import type { OscarClient } from '../../src/oscar/client.js';
import type { DemographicSearchResult, DemographicTransfer } from '../../src/oscar/types.js';
import { DEFAULT_SEARCH_LIMITS } from '../../src/resources/deps.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { patientFromSoap, soapNameParts, type NameParts } from '../../src/resources/patient/mapper.js';
import { patientFromSearchRow, searchRowNameParts } from '../../src/resources/patient/rest-mapper.js';
import { PATIENT_SEARCH_PARAMS } from '../../src/resources/patient/search-params.js';
import { patientMatches, rowMatchesNames } from '../../src/resources/patient/search.js';
import type { RouteChoice } from '../../src/routing/routes.js';
import { ProviderDirectory } from '../../src/resources/provider-directory.js';
import { buildRegistry } from '../../src/resources/registry.js';

const TZ = 'America/Toronto';
const cfg = defaultMappingConfig({ timezone: TZ });

// Column values OSCAR may hold: accents composed and decomposed, hyphens, apostrophes and their
// look-alikes, spaces (leading, trailing, doubled, tabs, no-break), case, blanks, scripts whose
// lower case depends on context, a suffix typed into the last name, a middle name or several.
const LAST = [
  undefined, '', '   ', 'Desjardins', 'DESJARDINS', ' desjardins ', 'Desjardins-Roy', 'Desjardins Roy', 'Müller', 'Mu\u0308ller', 'MÜLLER',
  "O'Brien", 'O\u2019Brien', 'O`Brien', 'Smith Jr.', 'Smith, Jr', 'van der Berg', 'Van  der\tBerg', 'Lee\u00a0Kim', 'Çelik', 'ΟΔΥΣΣΕΥΣ',
  'İnce', 'ﬁnn', 'Straße', 'Nguyễn', '李', '\u{1F600}x',
];
const FIRST = [undefined, '', ' ', 'Jean', 'JEAN-PIERRE', 'Jean Pierre', 'Zoë', 'Zoe\u0308', 'Anne-Marie ', '\tMarie', "D'Arcy", 'Σίσυφος'];
const MIDDLE = [undefined, '', '  ', 'Paul', 'Paul  Émile', ' Jr ', 'de la Cruz'];

// Search values against those names, each as family, given and name, plain, :exact and :contains.
const VALUES = [
  'de', 'De', 'DESJ', 'desjardins', 'desjardins-', 'desjardins-r', 'desjardins r', 'roy', 'mu', 'mü', 'MUL', 'Müller', 'Mu\u0308ller', 'muller',
  "o'b", 'o\u2019b', 'o`b', 'o b', 'smith jr', 'jr', 'Jr.', 'smith,', 'van der', 'van  der', 'berg', 'lee kim', 'lee\u00a0k', 'ce', 'çe',
  'οδυσ', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευς', 'ince', 'i̇nce', 'fi', 'ﬁ', 'strasse', 'straße', 'nguyen', '李', '\u{1F600}', 'jean', 'Jean', 'jean-p',
  'jean p', 'pierre', 'zoe', 'Zoë', 'anne-marie', 'Anne-Marie', 'marie', "d'a", 'σίσ', 'σισ', 'paul', 'émile', 'emile', 'Paul  Émile', 'la', 'cruz',
  'de la', 'x', ' ', 'a,b', 'roy,smith', 'zz,jean',
];

/** Routes of an OSCAR whose SOAP is out of reach: Patient searches go to its REST search. */
const REST_SEARCH = { option: (key: string) => (key === 'Patient.search-type' ? 'rest-search' : undefined), limits: () => ({}) } as unknown as RouteChoice;

const pairsOf = (name: string, modifier: string, value: string): [string, string][] => [[`${name}${modifier}`, value]];
const SPEC = { type: 'Patient', searchParams: PATIENT_SEARCH_PARAMS };

function transfers(): DemographicTransfer[] {
  const out: DemographicTransfer[] = [];
  let n = 1;
  for (const lastName of LAST) for (const firstName of FIRST) {
    const middleNames = MIDDLE[n % MIDDLE.length];
    out.push({ demographicNo: n++, lastName, firstName, ...(middleNames !== undefined && { middleNames }), alias: 'Nick Name', title: 'DR', sex: 'F' } as DemographicTransfer);
  }
  return out;
}

/** Over every search of the names and values above: the match on the row answers as the one on the mapped Patient. */
function assertSameAnswers(rows: readonly object[], mapped: readonly Patient[], parts: readonly NameParts[]): { searches: number; yes: number; no: number } {
  let yes = 0;
  let no = 0;
  let searches = 0;
  for (const name of ['family', 'given', 'name']) for (const modifier of ['', ':exact', ':contains', ':missing']) {
    for (const value of modifier === ':missing' ? ['true', 'false'] : VALUES) {
      let clauses: SearchClause[];
      try {
        clauses = parseSearch(SPEC, pairsOf(name, modifier, value), { timezone: TZ }).clauses;
      } catch {
        continue; // refused as bad input (e.g. a blank value, a modifier the parameter lacks): no search to compare
      }
      searches++;
      for (let i = 0; i < rows.length; i++) {
        const expected = clauses.every((c) => patientMatches(mapped[i]!, c, TZ));
        const actual = rowMatchesNames(parts[i]!, clauses);
        assert.equal(actual, expected, `${name}${modifier}=${JSON.stringify(value)} on ${JSON.stringify(rows[i])}`);
        if (expected) yes++; else no++;
      }
    }
  }
  return { searches, yes, no };
}

/** REST search rows of the same names (null where OSCAR's JSON has no value), with the columns the mapper reads beside them. */
function searchRows(): DemographicSearchResult[] {
  const out: DemographicSearchResult[] = [];
  let n = 1;
  for (const lastName of LAST) for (const firstName of FIRST) {
    out.push({
      demographicNo: n++, lastName: lastName ?? null, firstName: firstName ?? null, chartNo: null, sex: 'F', dob: null, providerNo: null,
      providerName: null, rosterStatus: null, patientStatus: 'AC', phone: null, hin: null, remoteFacilityId: null, formattedDOB: '1970-01-02',
    });
  }
  return out;
}

describe('Patient name match on the OSCAR row', () => {
  it('answers as the match on the mapped Patient, for every name and value', () => {
    const rows = transfers();
    const { searches, yes, no } = assertSameAnswers(rows, rows.map((t) => patientFromSoap(t, cfg)), rows.map((t) => soapNameParts(t)));
    // Not a comparison of nothing: many searches, both answers many times.
    assert.ok(searches > 300, `${searches} searches`);
    assert.ok(yes > 2000 && no > 20_000, `${yes} matches, ${no} not`);
  });

  it('answers as the match on the Patient mapped from a REST search row (no middle names), for every name and value', () => {
    const rows = searchRows();
    const { searches, yes, no } = assertSameAnswers(rows, rows.map((r) => patientFromSearchRow(r, cfg)), rows.map((r) => searchRowNameParts(r)));
    assert.ok(searches > 300, `${searches} searches`);
    assert.ok(yes > 1500 && no > 20_000, `${yes} matches, ${no} not`);
  });

  it('answers the cases written out here', () => {
    const row = { lastName: ' Müller-Lüdenscheidt ', firstName: 'Jean', middleNames: 'Paul  Émile' } as DemographicTransfer;
    const m = (pairs: [string, string][]): boolean => rowMatchesNames(soapNameParts(row), parseSearch(SPEC, pairs, { timezone: TZ }).clauses);
    assert.equal(m([['family', 'mull']]), true, 'accent- and case-insensitive prefix');
    assert.equal(m([['family', 'lud']]), false, 'a prefix of the whole value, not of a part after a hyphen');
    assert.equal(m([['family:exact', 'Müller-Lüdenscheidt']]), true, 'the value as mapped: trimmed');
    assert.equal(m([['family:exact', 'müller-lüdenscheidt']]), false, ':exact keeps case');
    assert.equal(m([['family:contains', 'LUDEN']]), true);
    assert.equal(m([['given', 'emile']]), true, 'a middle name is a given name');
    assert.equal(m([['given:exact', 'Paul  Émile']]), false, 'middle names are given names one by one');
    assert.equal(m([['name', 'paul'], ['family', 'mü']]), true, 'clauses ANDed');
    assert.equal(m([['name', 'paul'], ['family', 'paul']]), false);
    assert.equal(m([['name', 'nick']]), false, 'not the alias');
    assert.equal(m([['name', 'dr']]), false, 'not the title');
  });
});

// Over SOAP (searchDemographicsByAttributes) and over OSCAR's REST search alone (variants §6 B5).
for (const over of ['SOAP', 'REST'] as const) describe(`Patient search by names alone maps the returned page only, over ${over}`, () => {
  // 30 rows of the family OSCAR brings back (its LIKE is broader: one is a "Desjardins" only to OSCAR).
  const ROWS: DemographicTransfer[] = Array.from({ length: 30 }, (_, i) => ({
    demographicNo: 500 + i, lastName: i === 7 ? 'Des_jardins' : i % 2 ? 'DESJARDINS' : 'Desjardins-Roy', firstName: i % 3 ? 'Marie' : 'Jean',
    sex: i % 2 ? 'F' : 'M', yearOfBirth: '1970', monthOfBirth: '01', dateOfBirth: String(1 + i), patientStatus: 'AC',
  }));

  /** The same patient as OSCAR's REST search answers it (contract 3.7). */
  const restRow = (t: DemographicTransfer): DemographicSearchResult => ({
    demographicNo: t.demographicNo!, lastName: t.lastName ?? null, firstName: t.firstName ?? null, chartNo: null, sex: t.sex ?? null, dob: null,
    providerNo: null, providerName: null, rosterStatus: null, patientStatus: t.patientStatus ?? null, phone: null, hin: null, remoteFacilityId: null,
    formattedDOB: `${t.yearOfBirth}-${t.monthOfBirth}-${t.dateOfBirth!.padStart(2, '0')}`,
  });

  function setup(): { get: (url: string) => Promise<FhirResponse>; mapped: () => number[] } {
    const read = new Set<number>();
    // A row counts as mapped once its birth date is read: the mapper reads it, the name match does not.
    const watch = <T extends { demographicNo?: number }>(row: T, column: string): T => new Proxy(row, { get: (o, k) => { if (k === column) read.add(o.demographicNo!); return (o as Record<string | symbol, unknown>)[k]; } });
    const known: Partial<OscarClient> = over === 'SOAP'
      ? { soapSearchDemographicsByAttributes: async () => ROWS.map((t) => watch(t, 'yearOfBirth')), soapGetProviders2: async () => [] }
      : { restSearchDemographics: async () => ({ offset: 0, limit: 0, total: ROWS.length, timestamp: 0, query: null, content: ROWS.map(restRow).map((r) => watch(r, 'formattedDOB')) }), soapGetProviders2: async () => [] };
    const oscar = new Proxy(known, { get: (t, k) => (t as Record<string | symbol, unknown>)[k] ?? (async () => []) }) as OscarClient;
    const registry = buildRegistry(
      { oscar, mapping: cfg, providers: new ProviderDirectory(oscar), baseUrl: 'http://x/fhir', limits: DEFAULT_SEARCH_LIMITS, ...(over === 'REST' && { routes: REST_SEARCH }) },
      { mode: 'strict', logger: createLogger('silent') },
    );
    const router = createRouter({ registry, baseUrl: 'http://x/fhir', timezone: TZ });
    return {
      get: (url) => { const [path = '', qs = ''] = url.split('?'); return router({ method: 'GET', path, query: [...new URLSearchParams(qs)], headers: {}, requestId: 't' }); },
      mapped: () => [...read].sort((a, b) => a - b),
    };
  }
  const ids = (res: FhirResponse): string[] => {
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return ((res.body as Bundle).entry ?? []).filter((e: BundleEntry) => e.search?.mode === 'match').map((e) => (e.resource as Patient).id!);
  };

  it('family=desjardins: the 29 true matches counted, each page mapped alone', async () => {
    const { get, mapped } = setup();
    const first = await get('/Patient?family=desjardins&_count=5');
    assert.deepEqual(ids(first), ['500', '501', '502', '503', '504']);
    assert.equal((first.body as Bundle).total, 29);
    assert.deepEqual(mapped(), [500, 501, 502, 503, 504]);
    const next = (first.body as Bundle).link?.find((l) => l.relation === 'next')?.url;
    assert.ok(next);
    const second = await get(next.slice('http://x/fhir'.length));
    // 507 is a Desjardins to OSCAR's LIKE only (Des_jardins): never mapped.
    assert.deepEqual(ids(second), ['505', '506', '508', '509', '510']);
    assert.deepEqual(mapped(), [500, 501, 502, 503, 504, 505, 506, 508, 509, 510]);
  });

  it('names with another criterion: the rows the names reject are never mapped', async () => {
    const { get, mapped } = setup();
    const res = await get('/Patient?family=desjardins-r&given=jean&gender=male&_count=3');
    // Desjardins-Roy rows are the even ones; Jean every third: 500, 506, 512, 518, 524.
    assert.deepEqual(ids(res), ['500', '506', '512']);
    assert.equal((res.body as Bundle).total, 5);
    assert.deepEqual(mapped(), [500, 506, 512, 518, 524]);
  });

  it('_summary=count by names alone maps the page the hooks see, not every match', async () => {
    const { get, mapped } = setup();
    const res = await get('/Patient?given=marie&_summary=count&_count=2');
    assert.equal(res.status, 200);
    assert.equal((res.body as Bundle).total, 20);
    assert.ok(mapped().length <= 2, `mapped ${mapped().join(',')}`);
  });
});
