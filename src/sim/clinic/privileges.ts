// OSCAR's privilege check (SecurityInfoManager.hasPrivilege over secUserRole and secObjPrivilege,
// contract 1.5): which security objects a role may touch. A short table of the simulated clinic's
// roles, not OSCAR's full default set: enough for a provider whose role lacks `_demographic` to
// see no patient at all through REST, as in OSCAR.
import type { ClinicStore } from './store.js';

const ALL = '*';
const ROLE_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  doctor: [ALL],
  nurse: [ALL],
  admin: [ALL],
  receptionist: ['_demographic', '_appointment', '_edoc'],
  billing: ['_billing', '_appointment'],
};

/** Whether the provider's roles grant the security object (every privilege level alike). */
export function hasPrivilege(store: ClinicStore, providerNo: string, object: string): boolean {
  const rows = store.data.secUserRoles;
  if (rows === undefined) return true;
  return rows.some((r) => r.providerNo === providerNo && (ROLE_OBJECTS[r.roleName] ?? []).some((o) => o === ALL || o === object));
}
