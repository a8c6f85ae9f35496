// Benchmark 6's split by owner (bench/lib/profile-areas.ts): a native leaf is charged to the
// JavaScript frame that called it, the collector and idle keep their own areas, the benchmark's rpc
// code is not the facade's, and with windows only the samples inside a request count. The profile
// is built by hand; the expected µs are counted from it, not computed by the code under test.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { profileAreas } from '../../bench/lib/profile-areas.js';

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, scriptId: '0', lineNumber: 0, columnNumber: 0 }, children });
// (root) → send (our handler) → writev (native); (root) → GC; (root) → idle;
// (root) → Socket.write (node:net) → readPiece (our SOAP reader); (root) → serveChild (bench/).
const profile = {
  nodes: [
    frame(1, '(root)', '', [2, 4, 5, 6, 8]),
    frame(2, 'send', 'file:///repo/dist/http/fhir-handler.js', [3]),
    frame(3, 'writev', ''),
    frame(4, '(garbage collector)', ''),
    frame(5, '(idle)', ''),
    frame(6, 'Socket.write', 'node:net', [7]),
    frame(7, 'readPiece', 'file:///repo/dist/oscar/soap-reply.js'),
    frame(8, 'onMessage', 'file:///repo/bench/lib/proc.ts'),
  ],
  startTime: 1_000,
  // Taken at 1010, 1020, …, 1070 µs.
  samples: [3, 4, 5, 7, 6, 3, 8],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10],
};
const file = join(mkdtempSync(join(tmpdir(), 'profile-areas-')), 'p.cpuprofile');
writeFileSync(file, JSON.stringify(profile));

test('every busy sample goes to its owner; a native leaf to its caller; idle is left out', () => {
  assert.deepEqual(new Map(profileAreas(file, 2)), new Map([
    ['ours: HTTP handler (src/http, src/clinics)', 10], // 2 samples of writev under send, 20 µs over 2 requests
    ['GC', 5],
    ['ours: OSCAR client and transport (src/oscar)', 5],
    ['Node net and streams', 5],
    ["bench's rpcs and profiler", 5],
  ]));
});

test('with windows, only the samples inside a request count', () => {
  // 1005–1045 holds the samples at 1010 (writev), 1020 (GC), 1030 (idle), 1040 (readPiece);
  // 1065–1075 the one at 1070 (the rpc).
  assert.deepEqual(new Map(profileAreas(file, 2, false, [[1_065, 1_075], [1_005, 1_045]])), new Map([
    ['ours: HTTP handler (src/http, src/clinics)', 5],
    ['GC', 5],
    ['ours: OSCAR client and transport (src/oscar)', 5],
    ["bench's rpcs and profiler", 5],
  ]));
  assert.deepEqual(new Map(profileAreas(file, 1, true, [[1_025, 1_035]])), new Map([['idle', 10]]));
});

test('counted, a sample after a stall weighs one interval, not the stall', () => {
  // Intervals 10, 10, 10, 100 (the thread off its CPU before the last sample): median 10.
  const stalled = { ...profile, samples: [3, 3, 7, 7], timeDeltas: [10, 10, 10, 100] };
  const f = join(mkdtempSync(join(tmpdir(), 'profile-areas-')), 'stall.cpuprofile');
  writeFileSync(f, JSON.stringify(stalled));
  assert.deepEqual(new Map(profileAreas(f, 1)), new Map([['ours: OSCAR client and transport (src/oscar)', 110], ['ours: HTTP handler (src/http, src/clinics)', 20]]));
  assert.deepEqual(new Map(profileAreas(f, 1, false, undefined, 'count')), new Map([['ours: HTTP handler (src/http, src/clinics)', 20], ['ours: OSCAR client and transport (src/oscar)', 20]]));
});
