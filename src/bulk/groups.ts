// The Groups a public-health tool can export (bulk-data §e item 2): the whole clinic's active
// patients, each provider's roster (patients whose most responsible provider, OSCAR's
// demographic.provider_no, is that provider) and its rostered-only variant (roster status RO).
// They are computed, never stored: a Group's members are whoever OSCAR lists when a job starts.
import type { Group } from 'fhir/r4.js';
import type { OscarClient } from '../oscar/client.js';
import type { DemographicTransfer } from '../oscar/types.js';
import type { ProviderDirectory } from '../resources/provider-directory.js';

export type GroupId =
  | { kind: 'clinic' }
  | { kind: 'roster'; providerNo: string; rosteredOnly: boolean };

const PROVIDER_NO = /^[A-Za-z0-9]{1,16}$/;

/** The group an id names ('clinic', 'mrp-{providerNo}', 'rostered-{providerNo}'), or undefined. */
export function parseGroupId(id: string): GroupId | undefined {
  if (id === 'clinic') return { kind: 'clinic' };
  const m = /^(mrp|rostered)-(.+)$/.exec(id);
  if (!m || !PROVIDER_NO.test(m[2]!)) return undefined;
  return { kind: 'roster', providerNo: m[2]!, rosteredOnly: m[1] === 'rostered' };
}

export function groupIdText(g: GroupId): string {
  return g.kind === 'clinic' ? 'clinic' : `${g.rosteredOnly ? 'rostered' : 'mrp'}-${g.providerNo}`;
}

/** The few fields membership needs: OSCAR projects the answer to them (contract 4.5). */
const MEMBERSHIP_FIELDS = ['demographicNo', 'providerNo', 'rosterStatus'];

function belongs(g: GroupId, t: DemographicTransfer): boolean {
  if (g.kind === 'clinic') return true;
  return t.providerNo === g.providerNo && (!g.rosteredOnly || (t.rosterStatus ?? '').trim().toUpperCase() === 'RO');
}

/**
 * The group's patients, ascending. getActiveDemographicsAfter is OSCAR's only list of a whole
 * population and lists active (AC) patients only (bulk-data §b.6 item 4): inactive, deceased and
 * moved patients are in no group.
 */
export async function groupMembers(oscar: OscarClient, g: GroupId): Promise<number[]> {
  const rows = await oscar.soapGetActiveDemographicsAfter(null, MEMBERSHIP_FIELDS);
  const ids = rows.filter((t) => t.demographicNo !== undefined && belongs(g, t)).map((t) => t.demographicNo!);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Whether the group exists: the clinic always, a roster when its provider is known to OSCAR. */
export async function groupExists(providers: ProviderDirectory, g: GroupId): Promise<boolean> {
  return g.kind === 'clinic' || (await providers.get(g.providerNo)) !== undefined;
}

/** The Group resource (members are left out, as for any large group: bulk-data §e item 2). */
export async function groupResource(providers: ProviderDirectory, g: GroupId): Promise<Group> {
  const id = groupIdText(g);
  if (g.kind === 'clinic') {
    return { resourceType: 'Group', id, identifier: [{ value: id }], active: true, type: 'person', actual: true, name: 'All active patients of the clinic' };
  }
  const who = (await providers.displayOf(g.providerNo)) ?? `provider ${g.providerNo}`;
  return {
    resourceType: 'Group', id, identifier: [{ value: id }], active: true, type: 'person', actual: true,
    name: g.rosteredOnly ? `Rostered patients of ${who}` : `Patients of ${who} (most responsible provider)`,
    managingEntity: { reference: `Practitioner/${g.providerNo}`, display: who },
  };
}

/** Every group of the clinic: the clinic and, per active provider, its roster and rostered-only roster. */
export async function allGroups(providers: ProviderDirectory): Promise<Group[]> {
  const out: Group[] = [await groupResource(providers, { kind: 'clinic' })];
  for (const p of await providers.all()) {
    if (!p.providerNo || !PROVIDER_NO.test(p.providerNo) || p.status === '0') continue;
    for (const rosteredOnly of [false, true]) out.push(await groupResource(providers, { kind: 'roster', providerNo: p.providerNo, rosteredOnly }));
  }
  return out;
}
