// What online booking costs OSCAR and the client (README "Online booking"): a 7-day free-slot
// search over 10 bookable providers — OSCAR calls per operation (the target: at most one
// getDayWorkSchedule per provider-day and one appointment call per provider), latency cold (the
// first search of a week) and warm (the same search again, from the cache), with the simulator
// answering at once and with 20 ms added to every answer; then the latency a safe slot booking
// adds over a bare SOAP addAppointment, measured in the same run. Prints Markdown.
//   node --import tsx bench/booking.ts
import { createFacade, type Facade } from '../src/app.js';
import { connectionFromCredentials, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { OscarClient } from '../src/oscar/client.js';
import { timecode } from '../src/sim/clinic/gen-schedules.js';
import type { ProviderRow } from '../src/sim/clinic/model.js';
import { demoCredentials } from '../src/sim/options.js';
import { startSimulator, type Simulator } from '../src/sim/server.js';

const PROVIDERS = Array.from({ length: 10 }, (_, i) => String(880001 + i));
const NOW = Date.parse('2026-03-02T07:00:00-05:00'); // a Monday
const WEEKS = 5; // cold searches: one per week, none cached before
const WARM = 10;
const BOOKINGS = 20;
const credentials = demoCredentials({});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number): string => ms.toFixed(1);

function day(offset: number): string {
  const t = new Date(Date.parse('2026-03-02T12:00:00Z') + offset * 86_400_000);
  return t.toISOString().slice(0, 10);
}

/** 10 doctors, each with a 15-minute template on every day of the next WEEKS + 2 weeks. */
function addProviders(sim: Simulator): void {
  const { store } = sim;
  const template = timecode(15, [['08:30', '12:00', '1'], ['13:00', '15:00', '2'], ['15:00', '16:30', '3']]);
  let id = 50_000;
  for (const p of PROVIDERS) {
    const row: ProviderRow = {
      providerNo: p, lastName: `Bench${p}`, firstName: 'Doc', providerType: 'doctor', specialty: '', team: '', sex: '', dob: null, address: '',
      phone: '', workPhone: '', email: null, ohipNo: '', rmaNo: null, billingNo: '', hsoNo: null, status: '1', comments: null,
      providerActivity: null, practitionerNo: null, practitionerNoType: null, title: null, lastUpdateUser: p, lastUpdateDate: '2024-01-01T00:00:00',
    };
    store.data.providers.push(row);
    store.data.scheduleTemplates.push({ providerNo: p, name: 'Bench', summary: null, timecode: template });
    for (let d = 0; d < (WEEKS + 2) * 7; d++) {
      store.data.scheduleDates.push({ id: id++, sdate: day(d), providerNo: p, available: '1', priority: 'b', reason: '', hour: 'Bench', creator: 'bench', status: 'A' });
      // a few bookings per day, so free/busy has something to compute
      if (d % 2 === 0) store.bookFromScreen({ providerNo: p, date: day(d), start: '09:00', minutes: 15, demographicNo: 1001 });
    }
  }
  store.reindex();
}

async function facadeFor(sim: Simulator): Promise<Facade> {
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OSCAR_TIMEZONE: 'America/Toronto', CHANGE_POLL_SECONDS: '0',
    CAPABILITY_DISCOVERY: 'false', BOOKING_PROVIDERS: PROVIDERS.join(','), BOOKING_LEAD_MINUTES: '0',
  });
  const facade = createFacade(config, connectionFromCredentials(sim.url, credentials), createLogger('silent'), { now: () => NOW });
  await facade.listen();
  return facade;
}

const baseOf = (f: Facade): string => { const a = f.server.address(); return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/fhir`; };

async function timed(fn: () => Promise<Response>): Promise<number> {
  const t = performance.now();
  const r = await fn();
  const text = await r.text();
  if (!r.ok) throw new Error(`HTTP ${r.status}: ${text.slice(0, 300)}`);
  return performance.now() - t;
}

async function searchRow(sim: Simulator, latencyMs: number): Promise<string> {
  const facade = await facadeFor(sim);
  const base = baseOf(facade);
  if (latencyMs > 0) sim.faults.add({ match: {}, mode: 'latency', latencyMs });
  try {
    const week = (w: number): string => `${base}/Slot?start=ge${day(7 * w)}&start=lt${day(7 * w + 7)}&status=free&_count=1000`;
    await timed(() => fetch(`${base}/Schedule`)); // the provider list and the codes, as any first request would load them
    const cold: number[] = [];
    let calls: Record<string, number> = {};
    for (let w = 0; w < WEEKS; w++) {
      sim.stats.reset();
      cold.push(await timed(() => fetch(week(w))));
      if (w === 0) calls = sim.stats.snapshot().byOperation;
    }
    const warm: number[] = [];
    sim.stats.reset();
    for (let i = 0; i < WARM; i++) warm.push(await timed(() => fetch(week(0))));
    const warmCalls = sim.stats.snapshot().total;
    const c = (op: string): number => calls[`ScheduleService.${op}`] ?? 0;
    return `| ${latencyMs} ms | ${c('getDayWorkSchedule')} | ${c('getAppointmentsForDateRangeAndProvider2')} | ${c('getScheduleTemplateCodes')} | ${round(median(cold))} | ${round(median(warm))} | ${warmCalls} |`;
  } finally {
    sim.faults.clear();
    await facade.close();
  }
}

async function bookingRow(sim: Simulator): Promise<string[]> {
  const facade = await facadeFor(sim);
  const base = baseOf(facade);
  const c = credentials;
  const client = new OscarClient({
    baseUrl: sim.url, timezone: 'America/Toronto', retries: 0,
    oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
    soap: { userName: c.soapUserName, password: c.soapPassword },
  });
  try {
    await timed(() => fetch(`${base}/Schedule`));
    const bare: number[] = [];
    const safe: number[] = [];
    const plain: number[] = [];
    let safeCalls: Record<string, number> = {};
    await client.soapAddAppointment({ providerNo: PROVIDERS[9], demographicNo: 1001, status: 't', appointmentStartDateTime: `${day(40)}T08:00:00-04:00`, appointmentEndDateTime: `${day(40)}T08:15:00-04:00` }); // WSDL + login once
    for (let i = 0; i < BOOKINGS; i++) {
      // Interleaved, so a warming JIT or a busy machine weighs on all three alike.
      const p = PROVIDERS[i % PROVIDERS.length]!;
      const date = day(8 + Math.floor(i / PROVIDERS.length));
      const minute = 10 * 60 + 15 * (i % 3);
      const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
      const end = `${String(Math.floor((minute + 15) / 60)).padStart(2, '0')}:${String((minute + 15) % 60).padStart(2, '0')}`;
      const t0 = performance.now();
      await client.soapAddAppointment({ providerNo: p, demographicNo: 1001, status: 't', appointmentStartDateTime: `${day(30)}T${hhmm}:00-04:00`, appointmentEndDateTime: `${day(30)}T${end}:00-04:00` });
      bare.push(performance.now() - t0);
      const body = (slot: boolean, d: string) => JSON.stringify({
        resourceType: 'Appointment', status: 'booked', start: `${d}T${hhmm}:00-04:00`, end: `${d}T${end}:00-04:00`,
        ...(slot && { slot: [{ reference: `Slot/${p}-${d.replaceAll('-', '')}-${hhmm.replace(':', '')}` }] }),
        participant: [{ actor: { reference: 'Patient/1001' }, status: 'accepted' }, { actor: { reference: `Practitioner/${p}` }, status: 'accepted' }],
      });
      const post = (b: string) => fetch(`${base}/Appointment`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: b });
      sim.stats.reset();
      safe.push(await timed(() => post(body(true, date))));
      if (i === 0) safeCalls = sim.stats.snapshot().byOperation;
      plain.push(await timed(() => post(body(false, day(20)))));
    }
    const b = median(bare);
    const calls = Object.entries(safeCalls).map(([op, n]) => `${op.replace('ScheduleService.', '')} ${n}`).join(', ');
    return [
      `| bare SOAP addAppointment | ${round(b)} | 1.0 |`,
      `| POST Appointment, start/end only | ${round(median(plain))} | ${(median(plain) / b).toFixed(1)} |`,
      `| POST Appointment into a Slot (safe) | ${round(median(safe))} | ${(median(safe) / b).toFixed(1)} |`,
      '',
      `OSCAR calls of one safe booking: ${calls}.`,
    ];
  } finally {
    client.close();
    await facade.close();
  }
}

const sim = await startSimulator({ port: 0, patients: 50, credentials, timezone: 'America/Toronto' });
try {
  addProviders(sim);
  console.log(`### Slot search: 7 days × ${PROVIDERS.length} providers (median of ${WEEKS} cold weeks, ${WARM} warm repeats)\n`);
  console.log('| added latency per OSCAR answer | getDayWorkSchedule calls | appointment calls | code calls | cold ms | warm ms | OSCAR calls of 10 warm searches |');
  console.log('|---|---|---|---|---|---|---|');
  for (const latency of [0, 20]) console.log(await searchRow(sim, latency));
  console.log(`\n### Booking latency (median of ${BOOKINGS}, same run)\n`);
  console.log('| what | ms | × bare |');
  console.log('|---|---|---|');
  for (const line of await bookingRow(sim)) console.log(line);
} finally {
  await sim.close();
}
