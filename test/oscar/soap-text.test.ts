// Client text through the SOAP path the facade writes and reads itself: it reaches OSCAR (the
// simulator's own XML reader, which shares no code with the client) as the literal text, whatever
// markup, CDATA ends, quotes, references, line breaks or non-BMP characters it holds, and it
// comes back the same; text XML cannot carry never leaves. On every SOAP line, Juno's namespace too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OscarClient } from '../../src/oscar/client.js';
import { UnsendableTextError } from '../../src/oscar/soap-envelope.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import { demoCredentials } from '../../src/sim/options.js';
import type { SimVariant } from '../../src/sim/variants.js';

const HOSTILE = [
  `O'Brien & <b>Sons</b></notes><notes>2</notes>`,
  ']]> <![CDATA[ x ]]>',
  '"double" \'single\'',
  '&amp;lt; &#13; &unknown;',
  'tab\there\r\nnext line\rcr',
  'emoji 😀 𝄞 and é',
];

for (const variant of ['openo', 'juno'] as const satisfies readonly SimVariant[]) {
  describe(`SOAP text on the ${variant} line`, () => {
    let sim: Simulator;
    let client: OscarClient;

    before(async () => {
      sim = await startSimulator({ variant });
      const c = demoCredentials({});
      client = new OscarClient({
        baseUrl: sim.url, timezone: sim.store.timezone, retries: 0,
        oauth: { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.accessToken, tokenSecret: c.accessTokenSecret },
        soap: { userName: c.soapUserName, password: c.soapPassword },
      });
    });
    after(async () => { client.close(); await sim.close(); });

    const book = (notes: string): Promise<number> => {
      const row = sim.store.data.appointments.find((a) => a.demographicNo > 0);
      assert.ok(row);
      return client.soapAddAppointment({
        providerNo: row.providerNo, demographicNo: row.demographicNo, status: 't', reason: 'text check', notes,
        appointmentStartDateTime: '2031-05-20T10:30:00-04:00', appointmentEndDateTime: '2031-05-20T10:45:00-04:00',
      });
    };

    for (const text of HOSTILE) {
      it(`stores and reads back ${JSON.stringify(text)} as that very text`, async () => {
        const id = await book(text);
        assert.equal(sim.store.appointment(id)?.notes, text, 'OSCAR stored the literal text');
        assert.equal((await client.soapGetAppointment2(id))?.notes, text, 'the answer reads back the same');
      });
    }

    it('refuses control characters XML cannot carry before anything is sent', async () => {
      await book('plain text');
      const before = sim.stats.snapshot().byOperation['ScheduleService.addAppointment'] ?? 0;
      assert.ok(before > 0, 'bookings are counted under this name');
      for (const text of ['bell\u0007', 'nul\u0000', 'lone \uD800 surrogate', 'not a char \uFFFE']) {
        await assert.rejects(book(text), (e: unknown) => e instanceof UnsendableTextError && e.field === 'arg0.notes' && !e.message.includes(text));
      }
      assert.equal(sim.stats.snapshot().byOperation['ScheduleService.addAppointment'] ?? 0, before, 'no request reached OSCAR');
    });
  });
}
