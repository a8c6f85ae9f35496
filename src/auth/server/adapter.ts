// oidc-provider's storage adapter over the facade state's DocumentStore (src/state/documents.ts):
// one kind per oidc-provider model, the lookups it searches by (a session's uid, a device flow's
// user code) and the one it revokes by (grantId: revoking a grant, e.g. on refresh-token reuse,
// must reach every token of it, on every instance sharing the state).
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { DocumentStore } from '../../state/index.js';

const kindOf = (model: string): string => `oidc:${model}`;

export function adapterFactory(documents: DocumentStore): (name: string) => Adapter {
  return (name: string): Adapter => {
    const kind = kindOf(name);
    const payloadOf = (d: { value: AdapterPayload; consumedAt?: number } | undefined): AdapterPayload | undefined =>
      d && (d.consumedAt === undefined ? d.value : { ...d.value, consumed: Math.floor(d.consumedAt / 1000) });
    return {
      async upsert(id, payload, expiresIn) {
        const lookup: Record<string, string> = {};
        if (payload.grantId) lookup.grantId = payload.grantId;
        if (payload.uid) lookup.uid = payload.uid;
        if (payload.userCode) lookup.userCode = payload.userCode;
        await documents.put(kind, id, payload, { ...(expiresIn !== undefined && { ttlMs: expiresIn * 1000 }), lookup });
      },
      async find(id) {
        return payloadOf(await documents.get<AdapterPayload>(kind, id));
      },
      async findByUid(uid) {
        return payloadOf(await documents.findBy<AdapterPayload>(kind, 'uid', uid));
      },
      async findByUserCode(userCode) {
        return payloadOf(await documents.findBy<AdapterPayload>(kind, 'userCode', userCode));
      },
      async consume(id) {
        await documents.consume(kind, id);
      },
      async destroy(id) {
        await documents.delete(kind, id);
      },
      async revokeByGrantId(grantId) {
        await documents.deleteBy('grantId', grantId);
      },
    };
  };
}
