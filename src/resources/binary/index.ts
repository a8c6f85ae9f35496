// Binary ← the files of OSCAR patient documents (mapping §6.2): the router sends
// the raw bytes with their content type, or this FHIR Binary when the client asks for FHIR JSON.
// SOAP getDocument is the only way to the bytes (contract 3.5, 4.10); it runs under the OSCAR
// client's longer document deadline (OSCAR_DOCUMENT_TIMEOUT_MS), as files can be large.
import type { Binary } from 'fhir/r4.js';
import { badGateway, defineResource, NUMERIC_ID, type FhirContext } from '../../fhir/index.js';
import { hiddenFrom } from '../compartment-owner.js';
import type { ResourceDeps } from '../deps.js';
import { documentNumber, documentOwner, isMissingFileFault } from '../documentreference/listing.js';
import { binaryResourceFromDocument } from './mapper.js';

export function binaryDefinition(deps: ResourceDeps) {
  const { oscar, mapping } = deps;

  async function read(ctx: FhirContext, id: string): Promise<Binary | undefined> {
    const n = documentNumber(id);
    if (n === undefined) return undefined;
    try {
      const t = await oscar.soapGetDocument(n);
      return t && !hiddenFrom(ctx, documentOwner(t)) ? binaryResourceFromDocument(t, mapping.timezone) : undefined;
    } catch (e) {
      // As for DocumentReference: without the file, OSCAR does not say whose it is.
      if (isMissingFileFault(e) && ctx.compartment !== undefined) return undefined;
      if (isMissingFileFault(e)) throw badGateway(`OSCAR holds document ${n} but cannot read its file from its document store (contract 4.10)`);
      throw e;
    }
  }

  return defineResource<Binary>({
    type: 'Binary',
    recordKind: 'document',
    documentation: 'The bytes of a patient document: Binary/{id} has the id of its DocumentReference. Raw bytes with their content type by default; a FHIR Binary (base64 data) with Accept: application/fhir+json or _format=json.',
    idPattern: NUMERIC_ID,
    searchParams: [],
    readOnlyReason: 'Documents are created through DocumentReference (content[0].attachment.data); OSCAR has no document update API.',
    interactions: { read },
  });
}
