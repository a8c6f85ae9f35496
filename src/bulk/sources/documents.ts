// DocumentReference: DocumentWs.getDocumentsUpdateAfterDate, the clinic-wide change feed (contract
// 4.10: no consent gate, provider documents included and left out here), in small pages because
// every row inlines its file; each file's bytes are dropped as soon as its line is made (only size
// and hash stay: BD-F-06). OSCAR drops a document whose file is gone after applying its LIMIT, so
// a short page is not the end of this feed (feed-pager.ts, 'lossy'). Soft-deleted documents
// (status D) are entered-in-error lines, as a read gives them.
import type { DocumentReference } from 'fhir/r4.js';
import type { DocumentTransfer } from '../../oscar/types.js';
import { binaryUrlOf } from '../../resources/documentreference/index.js';
import { documentOwner } from '../../resources/documentreference/listing.js';
import { documentReferenceFromSoap } from '../../resources/documentreference/mapper.js';
import { xsEpoch } from '../../resources/oscar-dates.js';
import { feedPage, firstCursor, type FeedCursor } from '../feed-pager.js';
import { changedAfter, type Source } from './source.js';

/** Documents per page: bounds the file bytes one answer carries (bulk-data §b.6 item 5). */
const PAGE = 25;
const BEGINNING = Date.UTC(1900, 0, 1);

export const documentSource: Source = {
  type: 'DocumentReference',
  first: (ctx) => firstCursor(ctx.since ?? BEGINNING, PAGE),
  async batch(ctx, cursor) {
    const tz = ctx.mapping.timezone;
    const stamp = (t: DocumentTransfer): number => xsEpoch(t.updatedatetime, tz) ?? 0;
    const page = await feedPage(cursor as FeedCursor, 'exclusive',
      (bound, limit) => ctx.oscar.soapGetDocumentsUpdateAfterDate(bound, limit), (t) => ({ id: t.documentNo ?? 0, stampMs: stamp(t) }), PAGE, ctx.maxList, 'lossy');
    const binaryUrl = binaryUrlOf(ctx.baseUrl);
    const resources: DocumentReference[] = [];
    let past = false;
    for (let t = page.rows.shift(); t !== undefined; t = page.rows.shift()) {
      await ctx.pause();
      if (stamp(t) > ctx.until) { past = true; break; }
      const owner = documentOwner(t);
      if (owner === undefined || !ctx.memberSet.has(owner)) continue;
      const authorDisplay = await ctx.providers.displayOf(t.doccreator);
      const r = documentReferenceFromSoap(t, ctx.mapping, { binaryUrl, ...(authorDisplay === undefined ? {} : { authorDisplay }) });
      if (r && changedAfter(r, ctx.since)) resources.push(r);
    }
    return { resources, deleted: [], issues: [], ...(!past && page.next && { next: page.next }) };
  },
};
