// In one process: the per-page work of the SMART and audit layers and of query parsing for
// benchmark 6's 50-result Patient page, without the router, OSCAR or sockets: parsing
// `_id=<50 ids>&_count=50`, 50 Patients matched against that `_id` clause, the audit facts of 50
// returned Patients (recordReturned), and the page's audit line written into a buffer as the
// audit sink does. Two source trees alternate round by round. Not a test: a tool to measure
// changes to those parts (bench/results.md, perf-edge's section).
//   npx node --import tsx bench/edge-cpu.ts ROOT [ROOT2] (repository roots with src/, e.g. . and a `git archive` of main)
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const roots = process.argv.slice(2).map((r) => resolve(r));
if (roots.length === 0) throw new Error('name at least one repository root');
const N = 4000;
const ROUNDS = 8;
const ids = Array.from({ length: 50 }, (_, i) => String(102000 + i * 7));
const base = 'https://fhir.example/fhir';

async function load(root: string): Promise<Record<'parse' | 'match' | 'record' | 'line', () => unknown>> {
  // Each tree is its own module graph: typed loosely, as the trees may differ.
  const from = (p: string): Promise<any> => import(pathToFileURL(`${root}/src/${p}`).href);
  const [parse, common, token, audit, facts, context] = await Promise.all([
    from('fhir/search/parse.ts'), from('fhir/search/common-params.ts'), from('fhir/search/token.ts'),
    from('auth/audit.ts'), from('auth/audit-facts.ts'), from('auth/context.ts'),
  ]);
  const spec = { type: 'Patient', searchParams: [common.ID_PARAM], idPattern: /^[0-9]{1,18}$/ };
  const pairs = [['_id', ids.join(',')], ['_count', '50']] as const;
  const clause = parse.parseSearch(spec, pairs, {}).clauses[0];
  const patients = ids.map((id) => ({ resourceType: 'Patient', id }));
  const returned = (): unknown => {
    const f = context.newFacts();
    for (const p of patients) facts.recordReturned(f, p, base);
    return f;
  };
  const pageFacts = Object.assign(returned() as object, { interaction: 'search-type', type: 'Patient' });
  const req = { method: 'GET', path: '/Patient', query: pairs, requestId: 'req-1', headers: {} };
  const auth = { kind: 'token', clientId: 'bench', scopes: [] };
  const batch = Buffer.allocUnsafe(1 << 20);
  return {
    parse: () => parse.parseSearch(spec, pairs, {}),
    match: () => patients.filter((p) => token.matchesToken(clause, [{ code: p.id }])).length,
    record: returned,
    line: () => batch.write(audit.auditLineFor({ req, status: 200, auth, facts: pageFacts, site: base, clinic: 'default' }), 0),
  };
}

const builds = await Promise.all(roots.map(load));
for (const part of ['parse', 'match', 'record', 'line'] as const) {
  const times: number[][] = builds.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < builds.length; k++) {
      const b = (k + r) % builds.length;
      const run = builds[b]![part];
      const t = process.hrtime.bigint();
      for (let i = 0; i < N; i++) run();
      times[b]!.push(Number(process.hrtime.bigint() - t) / 1e3 / N);
    }
  }
  console.log(part.padEnd(7), roots.map((root, k) => {
    const sorted = [...times[k]!].sort((a, b) => a - b);
    return `${root}: min ${sorted[0]!.toFixed(1)} median ${sorted[sorted.length >> 1]!.toFixed(1)} µs`;
  }).join(' | '));
}
