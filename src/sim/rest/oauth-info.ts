// OAuthStatusService (contract 2.6): GET /ws/services/oauth/info, a json-lib string.

import { epochOfWallClock, utcMs, wallClockOf, zoneOffsetMinutes } from '../wall-clock.js';
import type { ProviderRow } from '../clinic/model.js';
import { JSON_TYPE } from './media.js';
import type { RestRoute } from './route.js';

/** How json-lib serialises a java.util.Date bean: its getters, alphabetically. */
function jsonLibDate(local: string | null, tz: string): Record<string, number> | null {
  if (!local) return null;
  const ms = epochOfWallClock(local, tz);
  const [date, time = '00:00:00'] = wallClockOf(ms, tz).split('T') as [string, string?];
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  return {
    date: d, day: new Date(utcMs(y, mo - 1, d)).getUTCDay(), hours: h, minutes: mi, month: mo - 1, seconds: s,
    time: ms, timezoneOffset: -zoneOffsetMinutes(ms, tz), year: y - 1900,
  };
}

/** The Provider entity's bean properties in json-lib's (alphabetical) order. */
function providerBean(p: ProviderRow, tz: string): Record<string, unknown> {
  return {
    address: p.address, billingNo: p.billingNo, comments: p.comments, dob: jsonLibDate(p.dob, tz), email: p.email,
    firstName: p.firstName, formattedName: `${p.lastName}, ${p.firstName}`, fullName: `${p.firstName} ${p.lastName}`,
    hsoNo: p.hsoNo, lastName: p.lastName, lastUpdateDate: jsonLibDate(p.lastUpdateDate, tz), lastUpdateUser: p.lastUpdateUser,
    ohipNo: p.ohipNo, phone: p.phone, practitionerNo: p.practitionerNo, practitionerNoType: p.practitionerNoType,
    providerActivity: p.providerActivity, providerNo: p.providerNo, providerType: p.providerType, rmaNo: p.rmaNo,
    sex: p.sex, specialty: p.specialty, status: p.status, team: p.team, title: p.title, workPhone: p.workPhone,
  };
}

export const oauthInfoRoutes: RestRoute[] = [
  {
    method: 'GET', path: '/oauth/info', produces: [JSON_TYPE], consumes: [JSON_TYPE],
    handle(ctx) {
      let body: string;
      try {
        const p = ctx.provider();
        body = JSON.stringify({ providers: providerBean(p, ctx.tz), login: p.providerNo, roles: ctx.scopes.split(' ').filter((s) => s !== '') });
      } catch {
        body = JSON.stringify({ error: 'An internal error occurred. Please try again later.' });
      }
      return { kind: 'response', status: 200, body, contentType: JSON_TYPE };
    },
  },
];
