// Provider display names for references (provider-directory.ts): looked up one at a time or for a
// whole page of rows at once, with the same answers; a list that cannot be had names no one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OscarClient } from '../../src/oscar/client.js';
import type { ProviderTransfer } from '../../src/oscar/types.js';
import { ProviderDirectory } from '../../src/resources/provider-directory.js';

const LIST: ProviderTransfer[] = [
  { providerNo: '999998', firstName: 'doctor', lastName: 'oscardoc' },
  { providerNo: '101', firstName: ' Ann ', lastName: '' },
  { providerNo: '102', firstName: ' ', lastName: ' ' }, // no name at all
  { providerNo: '101', firstName: 'Second', lastName: 'Entry' }, // the same number again: the first counts
  { firstName: 'No', lastName: 'Number' },
];

function directory(list: () => Promise<ProviderTransfer[]>): { dir: ProviderDirectory; calls: () => number } {
  let calls = 0;
  const oscar = { soapGetProviders2: async () => { calls++; return list(); } } as unknown as OscarClient;
  return { dir: new ProviderDirectory(oscar), calls: () => calls };
}

describe('ProviderDirectory.displaysOf', () => {
  it('names each provider of a page once, as displayOf names them one by one', async () => {
    const { dir, calls } = directory(async () => LIST);
    const asked = ['999998', '101', '102', '103', '', null, undefined, '999998', '101'];
    const displays = await dir.displaysOf(asked);
    assert.deepEqual([...displays].sort(), [['101', 'Ann'], ['999998', 'doctor oscardoc']]);
    for (const no of asked) assert.equal(no ? displays.get(no) : undefined, await dir.displayOf(no), String(no));
    assert.equal(calls(), 1, 'one list for all of them');
  });

  it('names no one, without failing, when the list cannot be had', async () => {
    const { dir } = directory(async () => { throw new Error('OSCAR is down'); });
    assert.equal((await dir.displaysOf(['999998'])).size, 0);
    assert.equal(await dir.displayOf('999998'), undefined);
  });

  it('asks OSCAR for a list it cannot have once per 30 s for names, not once per row; Practitioner reads still ask', async () => {
    let now = 1_000_000;
    let calls = 0;
    let failing = true;
    const oscar = { soapGetProviders2: async () => { calls++; if (failing) throw new Error('fault'); return LIST; } } as unknown as OscarClient;
    const dir = new ProviderDirectory(oscar, 300_000, () => now);
    for (let i = 0; i < 50; i++) assert.equal(await dir.displayOf('999998'), undefined);
    assert.equal((await dir.displaysOf(['999998'])).size, 0);
    assert.equal(calls, 1, 'one failed call for 51 names');
    await assert.rejects(dir.get('999998'));
    assert.equal(calls, 2, 'a Practitioner read asks again');
    failing = false;
    now += 29_999;
    assert.equal(await dir.displayOf('999998'), undefined);
    assert.equal(calls, 2);
    now += 1;
    assert.equal(await dir.displayOf('999998'), 'doctor oscardoc');
    assert.equal(calls, 3);
  });

  it('asks for no list when no row names a provider', async () => {
    const { dir, calls } = directory(async () => LIST);
    assert.equal((await dir.displaysOf([null, '', undefined])).size, 0);
    assert.equal(calls(), 0);
  });
});
