// In one process: the outgoing check's fast check (src/validation/fast-check.ts) over the 50
// Patients of a search page, for one build or two alternating (both orders in turn), min and
// median µs a page. The Patients are made again as a mapper makes them (members in canonical
// order, absent ones undefined) and passed through that build's withoutEmpty, so the check reads
// objects of the shapes a cache miss hands it, not JSON.parse's. Not a test: a tool to measure
// changes to the check apart from the rest of the page (bench/page-cpu.ts), whose noise hides them.
//   npm run build && npx node --import tsx bench/page-cpu.ts 5 --case='search page' --bytes=/tmp/page
//   npx node --import tsx bench/check-cpu.ts /tmp/page.searchpage dist [dist-base] [--rounds=400]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Json = Record<string, any>;
interface Build { dir: string; clean: (r: unknown) => boolean; next: () => Json[]; us: number[] }

const args = process.argv.slice(2);
const [bytesFile, ...dirs] = args.filter((a) => !a.startsWith('--'));
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 400);
if (!bytesFile || dirs.length === 0) throw new Error('usage: check-cpu.ts PAGE.json DIR [DIR2]');
const page = JSON.parse(readFileSync(bytesFile, 'utf8')) as Json;
const patients = (page.entry as Json[]).map((e) => e.resource as Json).filter((r) => r.resourceType === 'Patient');

const codings = (cc: Json | undefined): Json | undefined => cc && { coding: (cc.coding as Json[]).map((c) => ({ code: c.code, display: c.display, system: c.system })), text: cc.text };
/** A Patient as the Patient mapper builds it before withoutEmpty (src/resources/patient/mapper.ts). */
const mapperLike = (p: Json): Json => ({
  resourceType: 'Patient', id: p.id, meta: { lastUpdated: p.meta?.lastUpdated, profile: p.meta?.profile && [...p.meta.profile] },
  active: p.active,
  address: ((p.address ?? []) as Json[]).map((a) => ({ city: a.city, country: a.country, line: a.line && [...a.line], postalCode: a.postalCode, state: a.state, type: a.type, use: a.use })),
  birthDate: p.birthDate,
  communication: (p.communication as Json[] | undefined)?.map((c) => ({ language: codings(c.language), preferred: c.preferred })),
  deceasedBoolean: p.deceasedBoolean,
  gender: p.gender,
  generalPractitioner: (p.generalPractitioner as Json[] | undefined)?.map((g) => ({ display: g.display, reference: g.reference })),
  identifier: ((p.identifier ?? []) as Json[]).map((i) => ({
    assigner: i.assigner && { display: i.assigner.display },
    extension: (i.extension as Json[] | undefined)?.map((e) => ({ url: e.url, valueString: e.valueString })),
    period: i.period && { end: i.period.end, start: i.period.start }, system: i.system, type: codings(i.type), use: i.use, value: i.value,
  })),
  name: ((p.name ?? []) as Json[]).map((n) => ({ family: n.family, given: n.given && [...n.given], prefix: n.prefix && [...n.prefix], text: n.text, use: n.use })),
  telecom: ((p.telecom ?? []) as Json[]).map((t) => ({ system: t.system, use: t.use, value: t.value })),
});

const builds: Build[] = [];
for (const dir of dirs) {
  const url = (m: string): string => pathToFileURL(resolve(import.meta.dirname, '..', dir, `${m}.js`)).href;
  const [fc, loader, schema, we] = await Promise.all(['validation/fast-check', 'validation/loader', 'validation/schema-file', 'resources/without-empty'].map((m) => import(url(m)) as Promise<Json>));
  const fast = new fc!.FastCheck(fc!.buildPlans(loader!.loadRuntime().runtime, schema!.readSchema().definitions));
  const pages = Array.from({ length: 40 }, () => patients.map((p) => we!.withoutEmpty(mapperLike(p)) as Json));
  for (const p of pages[0]!) if (!fast.clean(p)) throw new Error(`${dir}: Patient/${String(p.id)} is not clean`);
  let at = 0;
  builds.push({ dir, us: [], clean: (r) => fast.clean(r), next: () => pages[at++ % pages.length]! });
}

for (let round = 0; round < rounds; round++) {
  for (const b of round % 2 ? builds : [...builds].reverse()) {
    const list = b.next();
    const t = performance.now();
    for (let k = 0; k < 5; k++) for (let i = 0; i < list.length; i++) b.clean(list[i]);
    b.us.push(((performance.now() - t) * 1000) / 5);
  }
}
for (const b of builds) {
  const us = b.us.slice(50).sort((x, y) => x - y); // the first rounds warm the compiler
  console.log(`${b.dir.padEnd(12)} fast check of ${patients.length} Patients: min ${us[0]!.toFixed(1)} µs, median ${us[us.length >> 1]!.toFixed(1)} µs a page (${us.length} rounds)`);
}
