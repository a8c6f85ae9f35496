// The audit trail end to end: the real server process (src/main.ts) against the simulator as a
// "real" OSCAR, so SMART is on by default and audit lines go where AUDIT_LOG says. Checks records
// for allowed and denied requests, and scans every audit line and every log line for the
// simulated clinic's names and health numbers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent } from 'fhir/r4.js';
import { createAuditSink } from '../../src/auth/audit-sink.js';
import { createLogger } from '../../src/logging.js';
import { demoCredentials } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { startStack } from '../helpers/stack.js';
import { keyPair, startIssuer, startSecureStack, type Issuer, type KeyPair } from './fixture.js';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

const ROOT = new URL('../../', import.meta.url).pathname;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('audit trail (server process against a simulated real OSCAR)', () => {
  let sim: Simulator;
  let issuer: Issuer;
  let child: ChildProcess;
  let base = '';
  let tokenUrl = '';
  let auditFile = '';
  let output = '';
  let clientKey: KeyPair;
  let exited: Promise<void>;

  before(async () => {
    const credentials = demoCredentials({});
    sim = await startSimulator({ port: 0, credentials });
    const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-audit-'));
    clientKey = await keyPair('ES384');
    const clientsFile = join(dir, 'clients.json');
    writeFileSync(clientsFile, JSON.stringify({ clients: [{ client_id: 'registry-sync', scope: 'system/Patient.rs system/Immunization.rs', jwks: { keys: [clientKey.publicJwk] } }] }));
    issuer = await startIssuer(() => base);
    auditFile = join(dir, 'audit.jsonl');
    const port = await freePort();
    base = `http://127.0.0.1:${port}/fhir`;
    tokenUrl = `http://127.0.0.1:${port}/fhir/auth/token`;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME,
        PORT: String(port), HOST: '127.0.0.1', FHIR_BASE_URL: base, LOG_LEVEL: 'debug', OSCAR_TIMEZONE: sim.store.timezone,
        OSCAR_URL: sim.url, OSCAR_CONSUMER_KEY: credentials.consumerKey, OSCAR_CONSUMER_SECRET: credentials.consumerSecret,
        OSCAR_ACCESS_TOKEN: credentials.accessToken, OSCAR_ACCESS_TOKEN_SECRET: credentials.accessTokenSecret,
        OSCAR_SOAP_USERNAME: credentials.soapUserName, OSCAR_SOAP_PASSWORD: credentials.soapPassword,
        SMART_CLIENTS_FILE: clientsFile, SMART_ISSUER: issuer.issuer, SMART_JWKS_URL: issuer.jwksUrl, AUDIT_LOG: auditFile,
        CAPABILITY_CACHE_FILE: join(dir, 'capabilities.json'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
    exited = new Promise((r) => child.once('exit', () => r()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not yet */ }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await issuer.close();
    await sim.close();
  });

  async function systemToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: clientKey.kid })
      .setIssuer('registry-sync').setSubject('registry-sync').setAudience(tokenUrl).setExpirationTime(now + 120).setJti(randomUUID()).sign(clientKey.privateKey);
    const res = await fetch(tokenUrl, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/Patient.rs system/Immunization.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
    });
    assert.equal(res.status, 200);
    return String(((await res.json()) as { access_token: string }).access_token);
  }

  const get = (path: string, token?: string, requestId?: string) =>
    fetch(`${base}${path}`, { headers: { ...(token && { authorization: `Bearer ${token}` }), ...(requestId && { 'x-request-id': requestId }) } });

  it('records allowed and denied requests as AuditEvent lines, with ids only', async () => {
    const jane = sim.store.data.demographics.find((d) => d.demographicNo === 1001)!;
    const system = await systemToken();
    const patientToken = await issuer.token({ scope: 'patient/*.rs', patient: '1001', sub: 'portal-user-42' }, {});
    const staff = await issuer.token({ scope: 'user/*.rs', sub: 'clerk-3' });
    const probes: [string, string | undefined, number][] = [
      [`/Patient?family=${jane.lastName}&given=${jane.firstName}`, system, 200],
      [`/Patient?identifier=${jane.hin}`, system, 200],
      ['/Patient/1001', system, 200],
      ['/Immunization?patient=1001', system, 200],
      ['/AllergyIntolerance?patient=1001', system, 403],
      ['/Patient/1002', patientToken, 404],
      ['/Patient/1001', patientToken, 200],
      ['/Patient/1001', undefined, 401],
      ['/Patient/1001', `${system}x`, 401],
      // PHI put where ids belong: in refused paths, behind a modifier, in a reference.
      [`/Patient/${jane.lastName}-${jane.firstName}`, staff, 404],
      [`/Patient/${jane.hin}`, staff, 404],
      [`/${jane.lastName}/${jane.firstName}`, staff, 404],
      [`/AllergyIntolerance?patient:identifier=${encodeURIComponent(`https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn|${jane.hin}`)}`, staff, 400],
      [`/AllergyIntolerance?subject=${jane.lastName}-${jane.firstName}-${jane.yearOfBirth}-${jane.monthOfBirth}-${jane.dateOfBirth}`, staff, 400],
      [`/Appointment?patient=${jane.lastName}-${jane.firstName}`, staff, 200],
      [`/Appointment?patient=Patient/1001&_count=5`, staff, 200],
    ];
    for (const [i, [path, token, status]] of probes.entries()) {
      const r = await get(path, token, `audit-probe-${i}`);
      assert.equal(r.status, status, `${path}: ${await r.text()}`);
      await r.arrayBuffer().catch(() => undefined);
    }
    // A create without the create scope is refused before its body is read (src/http/body-admission.ts).
    const early = await fetch(`${base}/Patient`, {
      method: 'POST', body: JSON.stringify({ resourceType: 'Patient' }),
      headers: { authorization: `Bearer ${system}`, 'content-type': 'application/fhir+json', 'x-request-id': 'audit-early-403' },
    });
    assert.equal(early.status, 403, await early.text());
    // Lines are written asynchronously: wait until they are all there.
    let events: AuditEvent[] = [];
    for (let tries = 0; tries < 50; tries++) {
      events = readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
      if (probes.every((_, i) => events.some((e) => e.extension?.[0]?.valueString === `audit-probe-${i}`))
        && events.some((e) => e.extension?.[0]?.valueString === 'audit-early-403')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const byProbe = (i: number): AuditEvent => {
      const e = events.find((x) => x.extension?.[0]?.valueString === `audit-probe-${i}`);
      assert.ok(e, `no audit record for probe ${i}`);
      return e;
    };
    for (const e of events) {
      assert.equal(e.resourceType, 'AuditEvent');
      assert.ok(e.recorded && !Number.isNaN(Date.parse(e.recorded)));
      assert.ok(e.agent.length > 0 && e.source.observer.display === 'oscar-fhir');
    }

    const nameSearch = byProbe(0);
    assert.equal(nameSearch.subtype?.[0]?.code, 'search-type');
    assert.equal(nameSearch.outcome, '0');
    assert.equal(nameSearch.agent[0]!.who?.identifier?.value, 'registry-sync');
    assert.deepEqual(nameSearch.agent[0]!.policy, ['system/Patient.rs', 'system/Immunization.rs']);
    const query = nameSearch.entity!.find((x) => x.role?.code === '24')!;
    assert.equal(Buffer.from(query.query!, 'base64').toString(), 'family=***&given=***');
    assert.ok(nameSearch.entity!.some((x) => x.what?.reference === 'Patient/1001'), 'the patient found is named by id');

    const read = byProbe(2);
    assert.deepEqual([read.subtype?.[0]?.code, read.action, read.outcome], ['read', 'R', '0']);
    assert.ok(read.entity!.some((x) => x.what?.reference === 'Patient/1001' && x.role?.code === '1'));

    const immunizations = byProbe(3);
    assert.ok(immunizations.entity!.some((x) => /^Immunization\/\d+$/.test(x.what?.reference ?? '')));
    assert.ok(immunizations.entity!.some((x) => x.what?.reference === 'Patient/1001'));

    const forbidden = byProbe(4);
    assert.equal(forbidden.outcome, '4');
    assert.match(forbidden.outcomeDesc ?? '', /^HTTP 403 insufficient_scope AllergyIntolerance\.s/);

    const refusedEarly = events.find((x) => x.extension?.[0]?.valueString === 'audit-early-403');
    assert.ok(refusedEarly, 'the early refusal is audited');
    assert.deepEqual([refusedEarly.subtype?.[0]?.code, refusedEarly.outcome], ['create', '4']);
    assert.equal(refusedEarly.outcomeDesc, 'HTTP 403 insufficient_scope Patient.c');

    const escape = byProbe(5);
    assert.equal(escape.outcome, '4');
    assert.match(escape.outcomeDesc ?? '', /^HTTP 404 outside the patient compartment/);
    assert.equal(escape.agent[0]!.altId, 'portal-user-42');
    const refs = escape.entity!.map((x) => x.what?.reference);
    assert.ok(refs.includes('Patient/1001') && refs.includes('Patient/1002'), 'both the context patient and the one asked for');

    const anonymous = byProbe(7);
    assert.equal(anonymous.outcome, '4');
    assert.equal(anonymous.agent[0]!.who?.identifier?.value, 'unauthenticated');
    assert.match(anonymous.outcomeDesc ?? '', /^HTTP 401/);
    const badToken = byProbe(8);
    assert.match(badToken.outcomeDesc ?? '', /^HTTP 401 Invalid access token: /);

    const kept = byProbe(probes.length - 1).entity!.find((x) => x.role?.code === '24')!;
    assert.equal(Buffer.from(kept.query!, 'base64').toString(), 'patient=Patient%2F1001&_count=5', 'ids and controls are kept');
    assert.equal(Buffer.from(byProbe(12).entity!.find((x) => x.role?.code === '24')!.query!, 'base64').toString(), 'patient%3Aidentifier=***');

    const tokenIssued = events.find((e) => e.type.code === '110114' && e.outcome === '0');
    assert.ok(tokenIssued, 'the token request is audited too');
    assert.equal(tokenIssued.agent[0]!.who?.identifier?.value, 'registry-sync');
  });

  it('never writes names, health numbers or birth dates to the audit trail or the logs', async () => {
    // Make sure some log lines exist at all (debug request lines), then stop the server to flush.
    child.kill('SIGTERM');
    await exited;
    const audit = readFileSync(auditFile, 'utf8');
    assert.ok(audit.split('\n').length > 9);
    assert.match(output, /"msg":"request"/, 'request log lines were written');
    // Log lines are JSON (pino); the start-up banner's static example queries are not logs.
    const logLines = output.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 5);
    const corpus = `${audit}\n${logLines.join('\n')}`;
    const leaks: string[] = [];
    for (const d of sim.store.data.demographics) {
      for (const name of [d.lastName, d.firstName]) {
        // Whole words of 4+ letters: shorter ones collide with ordinary text.
        if (name && name.length >= 4 && new RegExp(`\\b${name.replace(/[^A-Za-z' -]/g, '')}\\b`, 'i').test(corpus)) leaks.push(`name of ${d.demographicNo}`);
      }
      if (d.hin && d.hin.length >= 6 && corpus.includes(d.hin)) leaks.push(`health number of ${d.demographicNo}`);
      if (d.yearOfBirth && d.monthOfBirth && d.dateOfBirth && corpus.includes(`${d.yearOfBirth}-${d.monthOfBirth}-${d.dateOfBirth}`)) leaks.push(`birth date of ${d.demographicNo}`);
    }
    // The patient searched for by name and health number: every part of the name, however short, as stored.
    const jane = sim.store.data.demographics.find((d) => d.demographicNo === 1001)!;
    for (const part of [jane.lastName, jane.firstName]) if (new RegExp(`\\b${part}\\b`).test(corpus)) leaks.push(`name part ${part.length} letters of 1001`);
    assert.deepEqual(leaks, []);
  });
});

describe('audit trail with AUTH_MODE=none (simulator)', () => {
  it('still records every request, as the anonymous caller, when AUDIT_LOG is set', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'oscar-fhir-audit-none-')), 'audit.jsonl');
    const stack = await startStack({ env: { AUDIT_LOG: file } });
    try {
      assert.equal((await stack.fhir('/Patient/1001', { headers: { 'x-request-id': 'none-1' } })).status, 200);
      assert.equal((await stack.fhir('/Patient/nope', { headers: { 'x-request-id': 'none-2' } })).status, 404);
    } finally {
      await stack.close();
    }
    const events = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEvent);
    const ok = events.find((e) => e.extension?.[0]?.valueString === 'none-1')!;
    assert.equal(ok.agent[0]!.who?.identifier?.value, 'anonymous');
    assert.ok(ok.entity!.some((x) => x.what?.reference === 'Patient/1001'));
    const missing = events.find((e) => e.extension?.[0]?.valueString === 'none-2')!;
    assert.equal(missing.outcome, '4');
  });
});

/** Waits (up to 10 s, for a loaded machine) until the sink has heard that its file cannot be opened. */
async function openFailed(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(done(), 'the open failure was reported');
}

describe('audit sink failures', () => {
  it('counts and logs records it cannot write, and never throws', async () => {
    const logged: unknown[] = [];
    const logger = createLogger('silent');
    logger.error = ((obj: unknown) => { logged.push(obj); }) as typeof logger.error;
    const sink = createAuditSink({ destination: join(tmpdir(), 'no-such-dir-oscar-fhir', 'audit.jsonl'), logger });
    await openFailed(() => logged.length > 0); // the failed open is logged before any record is lost
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    assert.equal(sink.failed, 2);
    assert.equal(sink.written, 0);
    assert.equal(logged.length, 1, 'logged once per interval, not once per record');
    assert.match(JSON.stringify(logged[0]), /"destination":"file"/);
    await sink.close();
  });

  for (const destination of ['stdout', 'stderr'] as const) {
    it(`writes one line per record to ${destination} when told to`, async (t) => {
      const lines: string[] = [];
      const other = destination === 'stdout' ? process.stderr : process.stdout;
      t.mock.method(process[destination], 'write', (chunk: string, cb?: (e?: Error) => void) => { lines.push(chunk); cb?.(); return true; });
      t.mock.method(other, 'write', () => assert.fail(`nothing goes to the other stream`));
      const sink = createAuditSink({ destination, logger: createLogger('silent') });
      sink.write('{"a":1}');
      sink.write('{"a":2}');
      assert.deepEqual(lines, ['{"a":1}\n', '{"a":2}\n']);
      assert.equal(sink.written, 2);
      t.mock.restoreAll();
      await sink.close();
    });
  }

  it('after ten seconds logs the records lost since, with the reason of the latest failure', async (t) => {
    const logged: Record<string, unknown>[] = [];
    const logger = createLogger('silent');
    logger.error = ((obj: Record<string, unknown>) => { logged.push(obj); }) as typeof logger.error;
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const sink = createAuditSink({ destination: join(tmpdir(), 'no-such-dir-oscar-fhir', 'audit.jsonl'), logger });
    await openFailed(() => logged.length > 0); // the open fails: logged at once
    sink.write('{"a":1}');
    sink.write('{"a":2}');
    t.mock.timers.tick(9_999);
    sink.write('{"a":3}');
    assert.equal(logged.length, 1, `nothing more within the ten seconds: ${JSON.stringify(logged)}`);
    t.mock.timers.tick(1);
    sink.write('{"a":4}');
    assert.equal(logged.length, 2);
    assert.deepEqual({ failures: logged[1]!.failures, reason: logged[1]!.reason }, { failures: 4, reason: 'the audit destination failed earlier' });
    await sink.close();
  });

  it('keeps answering when the audit destination fails, and exposes the failure count at /metrics', async () => {
    const s = await startSecureStack({ extraEnv: { AUDIT_LOG: join(tmpdir(), 'no-such-dir-oscar-fhir', 'audit.jsonl') } });
    try {
      const token = await s.backendToken('system/Patient.rs');
      for (let i = 0; i < 3; i++) assert.equal((await s.as(token, '/Patient/1001')).status, 200);
      const metrics = await (await fetch(s.base.replace(/\/fhir$/, '/metrics'))).text();
      const failures = Number(/^oscar_fhir_audit_failures_total (\d+)/m.exec(metrics)?.[1]);
      assert.ok(failures >= 3, `failures counted: ${failures}`);
    } finally {
      await s.close();
    }
  });

  it('refuses (and counts) lines when the destination does not keep up, instead of buffering without bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oscar-fhir-sink-'));
    const sink = createAuditSink({ destination: join(dir, 'audit.jsonl'), logger: createLogger('silent'), maxQueuedBytes: 10 });
    for (let i = 0; i < 20; i++) sink.write(`{"record":${i},"padding":"${'x'.repeat(50)}"}`);
    await sink.close();
    const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.ok(sink.failed > 0);
    assert.equal(lines.length + sink.failed, 20, 'every record is either written or counted');
    assert.equal(sink.written, lines.length);
  });
});
