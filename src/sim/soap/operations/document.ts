// DocumentWs (contract 4.10): document metadata plus the whole file, base64-inlined. Deleted
// documents (status 'D' → 68) are returned; a document whose file is missing fails getDocument
// and silently drops out of every list.

import type { DocumentRow } from '../../clinic/model.js';
import { clinicConsentType, providerConsentType } from '../consent.js';
import { callerOf } from '../context.js';
import type { CallContext } from '../context.js';
import { npeFault, serverFault } from '../faults.js';
import { programProviderArgs } from './program-provider-args.js';
import { checkLimit, equalsCi, inPkOrder, page, sortBy } from '../query.js';
import type { OperationDef, ServiceDef, WireObject } from '../schema.js';
import { ctlDocumentOf, documentTransfer, localInstant, MissingDocumentFile } from '../transfers.js';

const byPk = (ctx: CallContext, where?: (r: DocumentRow) => boolean): DocumentRow[] => inPkOrder(ctx.store.data.documents, (r) => r.documentNo, where);
const updated = (ctx: CallContext) => (r: DocumentRow): number => localInstant(r.updatedatetime, ctx.tz)?.epochMs ?? -Infinity;

/** DocumentTransfer.getTransfers: an unreadable file is logged and the document skipped. */
function toTransfers(ctx: CallContext, rows: readonly DocumentRow[]): WireObject[] {
  const out: WireObject[] = [];
  for (const r of rows) {
    try {
      out.push(documentTransfer(r, ctlDocumentOf(ctx.store, r.documentNo), ctx.tz));
    } catch (e) {
      if (!(e instanceof MissingDocumentFile)) throw e;
    }
  }
  return out;
}

/** `d, CtlDocument c where c.documentNo = d.documentNo and c.module = 'demographic' and c.moduleId = ?`: one row per match. */
function linkedToPatient(ctx: CallContext, demographicId: number | null): DocumentRow[] {
  // Links first, then their documents by primary key: the same rows in the same order as a scan
  // of every document against every link, at a cost a clinic of thousands of patients can bear.
  const links = ctx.store.data.ctlDocuments.filter((c) => c.moduleId === demographicId && equalsCi(c.module, 'demographic'));
  const out: DocumentRow[] = [];
  for (const c of links.sort((a, b) => a.documentNo - b.documentNo)) {
    const d = ctx.store.document(c.documentNo);
    if (d) out.push(d);
  }
  return out;
}

const operations: OperationDef[] = [
  {
    name: 'getDocument', params: [['arg0', 'int']], returns: 'documentTransfer',
    handler: (a, ctx) => {
      const id = a.int('arg0');
      if (id === null) throw serverFault('id to load is required for loading');
      const row = ctx.store.document(id);
      if (!row) return null;
      try {
        return documentTransfer(row, ctlDocumentOf(ctx.store, id), ctx.tz);
      } catch (e) {
        // IOException → WebServiceException(e): the fault text is the cause's toString()
        if (e instanceof MissingDocumentFile) throw serverFault(e.message);
        throw e;
      }
    },
  },
  {
    // All documents, provider-module ones included (contract 4.10).
    name: 'getDocumentsUpdateAfterDate', params: [['arg0', 'dateTime'], ['arg1', 'int!']], returns: 'documentTransfer[]',
    handler: (a, ctx) => {
      const max = a.intP('arg1');
      checkLimit(max);
      const after = a.cal('arg0');
      if (after === null) return [];
      return toTransfers(ctx, page(sortBy(byPk(ctx, (r) => updated(ctx)(r) > after.epochMs), updated(ctx)), 0, max));
    },
  },
  {
    // Demographic-module documents created by providerNo (doccreator), program matching or unset.
    name: 'getDocumentsByProgramProviderDemographicDate',
    params: [['arg0', 'int'], ['arg1', 'string'], ['arg2', 'int'], ['arg3', 'dateTime'], ['arg4', 'int!']],
    returns: 'documentTransfer[]',
    handler: (a, ctx) => {
      const { programId, providerNo, demographicId, after, max } = programProviderArgs(a, 'updatedAfterThisDateExclusive');
      const rows = linkedToPatient(ctx, demographicId).filter((d) =>
        (d.programId === programId || d.programId === null || d.programId === -1)
        && providerNo !== null && equalsCi(d.doccreator, providerNo) && updated(ctx)(d) > after.epochMs);
      return toTransfers(ctx, page(sortBy(rows, updated(ctx)), 0, max));
    },
  },
  {
    // contract 7.9: gated only when the clinic uses provider consent types and the caller owns none;
    // the patient's own consent is not consulted.
    name: 'getDocumentsByDemographicIdAfter', params: [['lastUpdate', 'dateTime'], ['demographicId', 'int']], returns: 'documentTransfer[]',
    handler: (a, ctx) => {
      const lastUpdate = a.cal('lastUpdate');
      if (lastUpdate === null) throw npeFault('java.util.Calendar.getTime()', 'lastUpdate');
      const allowed = providerConsentType(ctx.store, callerOf(ctx)) !== undefined || clinicConsentType(ctx.store) === undefined;
      if (!allowed) return [];
      return toTransfers(ctx, linkedToPatient(ctx, a.int('demographicId')).filter((d) => updated(ctx)(d) > lastUpdate.epochMs));
    },
  },
];

export const documentService: ServiceDef = { path: 'DocumentService', portType: 'DocumentWs', secured: true, operations };
