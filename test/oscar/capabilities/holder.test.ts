// The capability holder: what it serves before, during and after the probes, the cache file, and
// how often failing calls may make it probe again (variants §7.1).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { Capabilities, type CapabilitiesOptions } from '../../../src/oscar/capabilities/holder.js';
import type { Discovery } from '../../../src/oscar/capabilities/discover.js';
import type { CapabilityMap } from '../../../src/oscar/capabilities/map.js';
import { createLogger } from '../../../src/logging.js';

const OSCAR_URL = 'https://emr.example.org/oscar';
const ZONE = 'America/Toronto';

/** A probed map: SOAP-only clinic (REST module off), as a probe round would return it. */
function probed(over: Partial<CapabilityMap> = {}): CapabilityMap {
  return {
    probedAt: '2026-12-06T15:00:00.000Z', source: 'probe', variant: 'openo',
    soap: { reach: 'ok', namespace: 'http://ws.oscarehr.org/', operations: { DemographicService: ['getDemographic'] }, genderCodes: ['M', 'F', 'X', 'O', 'U'], fingerprint: 'aaaaaaaaaaaaaaaa' },
    rest: { reach: 'module-off', dialect: 'oscar' },
    time: { clinicZone: ZONE, mismatch: false },
    ...over,
  };
}
const unreachable: CapabilityMap = probed({
  soap: { reach: 'unreachable', detail: 'no answer (ECONNREFUSED)', operations: {} },
  rest: { reach: 'unreachable', detail: 'no answer (ECONNREFUSED)', dialect: 'oscar' },
});

function logLines(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  return { logger: createLogger('debug', sink), lines };
}

function holder(discover: () => Promise<Discovery>, over: Partial<CapabilitiesOptions> = {}): Capabilities {
  return new Capabilities({ discover, oscarUrl: OSCAR_URL, clinicZone: ZONE, logger: createLogger('silent'), refreshMs: 0, ...over });
}
const found = (map: CapabilityMap): Promise<Discovery> => Promise.resolve({ map, calls: 12, ms: 5 });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('capability holder', () => {
  it('serves the assumed map (everything present) until the first probe ends, without waiting past its bound', async () => {
    let finish!: (d: Discovery) => void;
    const caps = holder(() => new Promise((r) => { finish = r; }));
    assert.equal(caps.current().source, 'assumed');
    assert.equal(caps.current().soap.reach, 'ok');
    assert.equal(caps.current().rest.reach, 'ok');
    const started = Date.now();
    await caps.start(50);
    assert.ok(Date.now() - started < 2_000, 'start-up did not wait for the probes');
    assert.equal(caps.current().source, 'assumed');
    finish({ map: probed(), calls: 12, ms: 5 });
    await sleep(10);
    assert.equal(caps.current().source, 'probe');
    assert.equal(caps.current().rest.reach, 'module-off');
    caps.close();
  });

  it('writes the last good map to the cache file and serves it at the next start (source cache), even while OSCAR is down', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'caps-')), 'sub', 'caps.json');
    const first = holder(() => found(probed()), { cacheFile: file });
    await first.start(5_000);
    first.close();
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { oscarUrl: string; map: CapabilityMap };
    assert.equal(stored.oscarUrl, OSCAR_URL);
    assert.equal(stored.map.rest.reach, 'module-off');
    assert.doesNotMatch(readFileSync(file, 'utf8'), /password|secret|token/i);

    const second = holder(() => found(unreachable), { cacheFile: file });
    assert.equal(second.current().source, 'cache');
    assert.equal(second.current().rest.reach, 'module-off');
    await second.start(5_000);
    assert.equal(second.current().source, 'cache', 'an OSCAR that answers nothing does not replace what was known');
    assert.equal(second.current().soap.reach, 'ok');
    second.close();
  });

  it('never uses a cache file written for another OSCAR or another clinic zone', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'caps-')), 'caps.json');
    writeFileSync(file, JSON.stringify({ oscarUrl: 'https://other.example.org/oscar', map: probed() }));
    assert.equal(holder(() => found(probed()), { cacheFile: file }).current().source, 'assumed');
    writeFileSync(file, JSON.stringify({ oscarUrl: OSCAR_URL, map: probed({ time: { clinicZone: 'America/Vancouver', mismatch: false } }) }));
    assert.equal(holder(() => found(probed()), { cacheFile: file }).current().source, 'assumed');
    writeFileSync(file, '{not json');
    assert.equal(holder(() => found(probed()), { cacheFile: file }).current().source, 'assumed');
    writeFileSync(file, JSON.stringify({ oscarUrl: OSCAR_URL, map: probed() }));
    assert.equal(holder(() => found(probed()), { cacheFile: file }).current().source, 'cache');
  });

  it('a half that did not answer keeps what was known of it; the other half is taken from the probe', async () => {
    const partly = probed({
      soap: { reach: 'unreachable', detail: 'no answer (timeout)', operations: {} },
      rest: { reach: 'ok', dialect: 'oscar', paths: ['/demographics'], putAllowed: false },
    });
    const caps = holder(() => found(partly));
    await caps.start(5_000);
    const m = caps.current();
    assert.equal(m.source, 'probe');
    assert.equal(m.soap.reach, 'ok', 'SOAP still assumed present');
    assert.match(m.soap.detail ?? '', /no answer at the last probe/);
    assert.equal(m.rest.putAllowed, false);
    caps.close();
  });

  it('re-discovers at most once per interval however many calls fail; a request inside it runs at its end', async () => {
    let rounds = 0;
    const caps = holder(() => { rounds++; return found(probed()); }, { minIntervalMs: 1_000 });
    await caps.start(5_000);
    assert.equal(rounds, 1);
    for (let i = 0; i < 20; i++) caps.rediscover('DemographicService.getDemographic2 failed');
    await sleep(300);
    assert.equal(rounds, 1, 'not within the interval of the start-up round');
    await sleep(1_000);
    assert.equal(rounds, 2, 'one deferred round at the end of the interval');
    for (let i = 0; i < 20; i++) caps.rediscover('rest:getDemographicBasic failed');
    await sleep(300);
    assert.equal(rounds, 2);
    await sleep(1_000);
    assert.equal(rounds, 3);
    caps.close();
  });

  it('tells listeners and logs once per change, not when a probe confirms the map; warns when the SOAP fingerprint changes', async () => {
    const { logger, lines } = logLines();
    let next = probed();
    const caps = holder(() => found(next), { logger, minIntervalMs: 0 });
    const seen: CapabilityMap[] = [];
    caps.onChange((m) => seen.push(m));
    await caps.start(5_000);
    assert.equal(seen.length, 1);
    caps.rediscover('x failed');
    await sleep(20);
    assert.equal(seen.length, 1, 'same content: no change');
    next = probed({ soap: { ...probed().soap, fingerprint: 'bbbbbbbbbbbbbbbb', operations: { DemographicService: ['getDemographic', 'getDemographic2'] } } });
    caps.rediscover('y failed');
    await sleep(20);
    assert.equal(seen.length, 2);
    const infos = lines.filter((l) => l.msg === 'OSCAR capabilities');
    assert.equal(infos.length, 2);
    assert.equal(infos[0]!.rest, 'module-off');
    assert.deepEqual(infos[0]!.problems, [
      'REST module is off; enable ModuleNames=REST in oscar.properties, restart OSCAR, and register this server as a REST client (Administration > Integration > REST Clients)',
    ]);
    assert.equal(lines.filter((l) => /SOAP services changed/.test(String(l.msg))).length, 1);
    caps.close();
  });

  it('probes again on its schedule (CAPABILITY_REFRESH_HOURS), and not after close()', async () => {
    let rounds = 0;
    const caps = holder(() => { rounds++; return found(probed()); }, { refreshMs: 400 });
    await caps.start(5_000);
    assert.equal(rounds, 1);
    await sleep(1_000);
    assert.ok(rounds >= 2 && rounds <= 3, `${rounds} rounds`);
    caps.close();
    const closedAt = rounds;
    await sleep(900);
    assert.equal(rounds, closedAt);
  });

  it('after a round OSCAR did not answer, probes again after the interval, then after twice as long', async () => {
    let rounds = 0;
    const caps = holder(() => { rounds++; return found(unreachable); }, { minIntervalMs: 500 });
    await caps.start(5_000);
    assert.equal(rounds, 1);
    await sleep(800);
    assert.equal(rounds, 2);
    await sleep(300);
    assert.equal(rounds, 2, 'the second retry waits 1000 ms');
    await sleep(700);
    assert.equal(rounds, 3);
    caps.close();
  });
});
