// Immunization: PreventionWs.getPreventionsUpdatedAfterDate, the clinic-wide change feed (no
// consent gate, deleted rows included: contract 7.10), paged by feed-pager.ts and kept to the
// job's patients. A deleted row is a deletion when `_since` is given and is left out otherwise;
// an edit is a new row, and its old row comes back deleted (contract 7.10).
import type { Immunization } from 'fhir/r4.js';
import type { PreventionTransfer } from '../../oscar/types.js';
import { immunizationFromSoap, isImmunizationPrevention } from '../../resources/immunization/mapper.js';
import { xsEpoch } from '../../resources/oscar-dates.js';
import { feedPage, firstCursor, type FeedCursor } from '../feed-pager.js';
import { changedAfter, type Source } from './source.js';

/** Earlier than any OSCAR record: the feed from the beginning when no `_since` is given. */
const BEGINNING = Date.UTC(1900, 0, 1);

export const immunizationSource: Source = {
  type: 'Immunization',
  first: (ctx) => firstCursor(ctx.since ?? BEGINNING, ctx.feedPage),
  async batch(ctx, cursor) {
    const tz = ctx.mapping.timezone;
    const stamp = (t: PreventionTransfer): number => xsEpoch(t.lastUpdateDate, tz) ?? 0;
    const page = await feedPage(cursor as FeedCursor, 'exclusive',
      (bound, limit) => ctx.oscar.soapGetPreventionsUpdatedAfterDate(bound, limit), (t) => ({ id: t.id ?? 0, stampMs: stamp(t) }), ctx.feedPage, ctx.maxList);
    const resources: Immunization[] = [];
    const deleted: string[] = [];
    let past = false;
    for (const t of page.rows) {
      await ctx.pause();
      // Changed after transactionTime: the next export (since it) has it (BD-M-01).
      if (stamp(t) > ctx.until) { past = true; break; }
      if (t.id === undefined || t.demographicId === undefined || !ctx.memberSet.has(t.demographicId) || !isImmunizationPrevention(t, ctx.mapping)) continue;
      if (t.deleted) {
        if (ctx.since !== undefined) deleted.push(`Immunization/${t.id}`);
        continue;
      }
      const r = immunizationFromSoap(t, ctx.mapping, await ctx.providers.displayOf(t.providerNo));
      if (changedAfter(r, ctx.since)) resources.push(r);
    }
    return { resources, deleted, issues: [], ...(!past && page.next && { next: page.next }) };
  },
};
