// DocumentReference ← OSCAR documents (mapping §6). Reads and searches use
// SOAP DocumentWs, the only document read API (contract 3.5); it inlines each whole file, which is
// measured and hashed here and served separately as Binary/{documentNo}. Create uploads through
// REST saveDocumentToDemographic, the only document write API.
import type { Resource, DocumentReference } from 'fhir/r4.js';
import {
  badGateway, defineResource, notFound, NUMERIC_ID, unprocessable,
  type FhirContext, type ParsedSearch, type SearchResult, type WriteResult,
} from '../../fhir/index.js';
import type { DocumentTransfer } from '../../oscar/types.js';
import { hiddenFrom } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { chosen } from '../../routing/routes.js';
import { CA_BASELINE_PROFILES } from '../systems.js';
import { notStoredIssues, rejectIfErrors } from '../write-issues.js';
import { documentNumber, documentOwner, isMissingFileFault } from './listing.js';
import { documentReferenceFromSoap, documentToUpload } from './mapper.js';
import { junoDocumentUpload } from './juno-mapper.js';
import { documentReferenceFromUpload } from './rest-mapper.js';
import { DOCUMENT_SEARCH_PARAMS } from './search-params.js';
import { documentMatches, fetchCandidates, planDocumentSearch } from './search.js';

/** The facade's own Binary URL for a document (mapping §6.1: never inline the bytes). */
export function binaryUrlOf(baseUrl: string): (documentNo: number) => string {
  return (documentNo) => `${baseUrl}/Binary/${documentNo}`;
}

export function documentReferenceDefinition(deps: ResourceDeps) {
  const { oscar, mapping, providers } = deps;
  const binaryUrl = binaryUrlOf(deps.baseUrl);

  async function authorOf(creator: string | null | undefined): Promise<{ authorDisplay?: string }> {
    const authorDisplay = await providers.displayOf(creator);
    return authorDisplay === undefined ? {} : { authorDisplay };
  }

  async function toDocumentReference(t: DocumentTransfer): Promise<DocumentReference | undefined> {
    return documentReferenceFromSoap(t, mapping, { binaryUrl, ...(await authorOf(t.doccreator)) });
  }

  async function readDocument(ctx: FhirContext, id: number): Promise<DocumentReference | undefined> {
    let t: DocumentTransfer | undefined;
    try {
      t = await oscar.soapGetDocument(id);
    } catch (e) {
      // Whose document it is would be in the answer OSCAR could not give: a caller confined to
      // one patient gets the unknown-id answer rather than learn that the number exists.
      if (isMissingFileFault(e) && ctx.compartment !== undefined) return undefined;
      if (isMissingFileFault(e)) throw badGateway(`OSCAR holds DocumentReference/${id} but cannot read its file from its document store (contract 4.10)`);
      throw e;
    }
    // Provider-module documents are not patient documents (mapping §6.1): 404, like an unknown number.
    if (t?.documentNo === undefined || hiddenFrom(ctx, documentOwner(t))) return undefined;
    return toDocumentReference(t);
  }

  /** Whether OSCAR knows the patient, asked through REST's search by number (contract 3.6: every status). */
  async function knownOverRest(demographicNo: number): Promise<boolean> {
    const found = await oscar.restSearchDemographics({ type: 'DemographicNo', term: String(demographicNo), active: false, startIndex: 0, itemsToReturn: 1 });
    return found.content.some((r) => r.demographicNo === demographicNo);
  }

  async function search(ctx: FhirContext, s: ParsedSearch): Promise<SearchResult<DocumentReference>> {
    const { docs, issues } = await fetchCandidates(planDocumentSearch(s, deps.limits, ctx.compartment), deps, toDocumentReference);
    const matches = docs
      .filter((d) => s.clauses.every((c) => documentMatches(d, c, mapping.timezone)))
      .sort((a, b) => Number(a.id) - Number(b.id));
    return { resources: matches, unpaged: true, ...(issues.length ? { outcome: issues } : {}) };
  }

  /** variants §3 H, contract 3.10: Juno's upload lands in the inbox; filing it in the chart is a second call. */
  async function createOnJuno(ctx: FhirContext, d: DocumentReference): Promise<WriteResult<DocumentReference>> {
    const me = (await oscar.soapGetLoggedInProviderTransfer())?.providerNo;
    if (!me) throw badGateway('OSCAR did not say which provider this server acts as, which Juno needs as the document creator');
    const { body, demographicNo, notStored, errors } = junoDocumentUpload(d, me, mapping, ctx.compartment !== undefined);
    rejectIfErrors(errors);
    if (demographicNo === null || (await oscar.soapGetDemographic(demographicNo))?.demographicNo === undefined) {
      throw unprocessable(`Patient/${demographicNo ?? ''} is not known to OSCAR`, ['DocumentReference.subject']);
    }
    const documentNo = await oscar.restV1PostDocument(body);
    try {
      await oscar.restV1AssignDocument(demographicNo, documentNo);
    } catch {
      // Juno's REST API cannot delete it again: say where the upload is, so that it is not lost.
      throw badGateway(`OSCAR stored the document as number ${documentNo} in its inbox but did not file it in Patient/${demographicNo}'s chart: file it there in OSCAR`);
    }
    const stored = await readDocument(ctx, documentNo);
    if (!stored) throw notFound(`DocumentReference/${documentNo} was written but cannot be read back from OSCAR`);
    return { resource: stored, issues: notStoredIssues(notStored) };
  }

  async function create(ctx: FhirContext, d: DocumentReference): Promise<WriteResult<DocumentReference>> {
    if (chosen(deps.routes, 'DocumentReference.create') === 'juno-v1') return createOnJuno(ctx, d);
    const { to, notStored, errors } = documentToUpload(d, mapping, ctx.compartment !== undefined);
    rejectIfErrors(errors);
    const demographicNo = to.demographicNo!;
    const restOnly = chosen(deps.routes, 'DocumentReference.create') === 'rest-only';
    // contract 3.5: OSCAR files a document under any number, known patient or not.
    if (!(restOnly ? await knownOverRest(demographicNo) : (await oscar.soapGetDemographic(demographicNo))?.demographicNo !== undefined)) {
      throw unprocessable(`Patient/${demographicNo} is not known to OSCAR`, ['DocumentReference.subject']);
    }
    const saved = await oscar.restSaveDocumentToDemographic({ ...to, fileName: to.fileName!, fileContents: to.fileContents!, demographicNo });
    if (typeof saved.id !== 'number') throw badGateway('OSCAR saved the document but did not say its number');
    // OSCAR REST has no document read (contract 3.5): the upload's own answer is all there is.
    const stored = restOnly
      ? documentReferenceFromUpload(saved, to, mapping, { binaryUrl, ...(await authorOf(saved.creator)) })
      : await readDocument(ctx, saved.id);
    if (!stored) throw notFound(`DocumentReference/${saved.id} was written but cannot be read back from OSCAR`);
    return { resource: stored, issues: notStoredIssues(notStored) };
  }

  return defineResource<DocumentReference>({
    type: 'DocumentReference',
    recordKind: 'document',
    profile: CA_BASELINE_PROFILES.DocumentReference,
    documentation: 'OSCAR patient documents (lab reports, consult letters, images…). The attachment gives content type, size and SHA-1 hash; the bytes are at its url (Binary/{id}). Deleted documents are entered-in-error. Create with the bytes in content[0].attachment.data.',
    idPattern: NUMERIC_ID,
    // A retried upload finds its document (resources/client-identifier.ts) instead of filing it twice.
    conditionalCreate: true,
    searchParams: DOCUMENT_SEARCH_PARAMS,
    includes: ['patient', 'subject'].map((param) => ({
      param, targetType: 'Patient', references: (r: Resource) => [(r as DocumentReference).subject?.reference ?? ''].filter(Boolean),
    })),
    interactions: {
      read: async (ctx, id) => {
        const n = documentNumber(id);
        return n === undefined ? undefined : readDocument(ctx, n);
      },
      search,
      create,
    },
  });
}
