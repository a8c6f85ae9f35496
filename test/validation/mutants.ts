// Broken (and a few still valid) copies of a resource, for comparing the fast check with the full
// walk: each copy changes one thing at one place, in the ways the validator has a check for
// (empty and wrong-typed values, unreal dates, wrong codes, missing elements, unknown elements,
// two members of one choice, broken extensions, references, periods, contained resources and
// Bundle entries). Whether a copy is valid is not decided here: the full walk says.
type Json = Record<string, unknown>;
type Seg = string | number;

export interface Mutant {
  /** what was changed where, for the failure message */
  name: string;
  resource: Json;
}

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every location below the root: [path, value]. */
function locations(node: unknown, path: Seg[] = [], out: [Seg[], unknown][] = []): [Seg[], unknown][] {
  if (Array.isArray(node)) node.forEach((v, i) => { out.push([[...path, i], v]); locations(v, [...path, i], out); });
  else if (isObj(node)) for (const [k, v] of Object.entries(node)) { out.push([[...path, k], v]); locations(v, [...path, k], out); }
  return out;
}

function parentOf(root: Json, path: Seg[]): unknown {
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<Seg, unknown>)[seg];
  return node;
}

/** A copy of `resource` with `change` applied at `path` (to the value's holder). */
function changed(resource: Json, path: Seg[], change: (holder: Record<Seg, unknown> & unknown[], key: Seg) => void): Json {
  const copy = structuredClone(resource);
  change(parentOf(copy, path) as Record<Seg, unknown> & unknown[], path[path.length - 1]!);
  return copy;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;
const CHOICE = /^_?(value|deceased|multipleBirth|occurrence|onset|abatement|effective|scheduled|timing|born|answer)([A-Z]\w*)$/;

/** Replacements for a value wherever it is. */
function replacements(value: unknown): [string, unknown][] {
  const out: [string, unknown][] = [['empty string', ''], ['null', null], ['empty array', []], ['empty object', {}], ['number 1.5', 1.5], ['number -1', -1], ['true', true]];
  if (typeof value === 'string') {
    out.push(['a code no value set has', 'zz-not-a-code'], ['whitespace', ' '], ['wrapped in an array', [value]]);
    // what only the schema's patterns catch
    out.push(['a trailing space', `${value} `], ['two spaces inside', `a  ${value}`], ['a tab inside', `a\t${value}`], ['65 characters', 'x'.repeat(65)], ['an id character no id has', 'a_b']);
    if (DATE.test(value)) out.push(['a two-digit year', value.slice(2)], ['hour 25', `${value.slice(0, 10)}T25:00:00Z`], ['a time without zone', `${value.slice(0, 10)}T10:00:00`]);
    if (DATE.test(value)) out.push(['30 February', value.replace(DATE, (d) => `${d.slice(0, 4)}-02-30`)], ['day 00', value.replace(DATE, (d) => `${d.slice(0, 8)}00`)]);
    if (value.startsWith('<div')) out.push(['narrative without namespace', '<div>x</div>'], ['narrative with script', '<div xmlns="http://www.w3.org/1999/xhtml"><script>x</script></div>']);
  }
  if (typeof value === 'number') out.push(['zero', 0], ['2^40', 2 ** 40], ['as a string', String(value)]);
  if (Array.isArray(value) && value.length > 0) out.push(['first item only', value[0]], ['an item twice', [...value, value[0]]], ['a null item', [...value, null]], ['an empty item', [...value, {}]]);
  if (isObj(value)) out.push(['wrapped in an array', [value]]);
  return out;
}

/** Additions to an object (one each). */
function additions(node: Json): [string, Json][] {
  const out: [string, Json][] = [
    ['unknown element', { shoeSize: 42 }],
    ['extension without value or children', { extension: [{ url: 'http://example.org/e' }] }],
    ['extension with value and children', { extension: [{ url: 'http://example.org/e', valueString: 'a', extension: [{ url: 'http://example.org/f', valueString: 'b' }] }] }],
    ['extension with two values', { extension: [{ url: 'http://example.org/e', valueString: 'a', valueBoolean: true }] }],
    ['valid extension', { extension: [{ url: 'http://example.org/e', valueString: 'a' }] }],
    ['data-absent-reason', { extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' }] }],
    ['id', { id: 'x1' }],
  ];
  for (const key of Object.keys(node)) {
    const choice = CHOICE.exec(key);
    if (choice) {
      out.push(['a second choice member', { [`${choice[1]}String`]: 'x' }], ['a second choice member, extension part', { [`_${choice[1]}Boolean`]: { id: 'x' } }]);
    }
    if (typeof node[key] === 'string' || typeof node[key] === 'number' || typeof node[key] === 'boolean') {
      out.push(
        ['primitive extension part', { [`_${key}`]: { extension: [{ url: 'http://example.org/e', valueString: 'v' }] } }],
        ['empty primitive extension part', { [`_${key}`]: {} }],
      );
    }
    if (key === 'reference') out.push(['reference to a missing contained resource', { reference: '#nowhere' }], ['reference to the container', { reference: '#' }]);
    if (key === 'start') out.push(['end before start', { end: '1900-01-01' }], ['end before start (instants)', { start: '2030-01-01T10:00:00Z', end: '2030-01-01T09:00:00Z' }]);
    if (key === 'system') out.push(['system of no binding', { system: 'http://example.org/other-system' }]);
    if (key === 'code' && typeof node.system === 'string') out.push(['code outside its system', { code: 'zz-not-a-code' }]);
  }
  return out;
}

/** Copies that touch the resource as a whole: contained resources, Bundle entries. */
function wholeResource(resource: Json): Mutant[] {
  const type = String(resource.resourceType);
  const out: Mutant[] = [
    { name: 'unknown resourceType', resource: { ...structuredClone(resource), resourceType: 'Basic' } },
    { name: 'no resourceType', resource: (({ resourceType: _, ...rest }) => structuredClone(rest))(resource) },
    { name: 'contained resource nobody refers to', resource: { ...structuredClone(resource), contained: [{ resourceType: 'Practitioner', id: 'c1' }] } },
    { name: 'contained resource with versionId', resource: { ...structuredClone(resource), contained: [{ resourceType: 'Practitioner', id: 'c1', meta: { versionId: '1' }, text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">#</div>' } }] } },
    { name: 'contained resource that contains', resource: { ...structuredClone(resource), contained: [{ resourceType: 'Practitioner', id: 'c1', contained: [{ resourceType: 'Practitioner', id: 'c2' }] }] } },
    { name: 'contained resource that is not a resource', resource: { ...structuredClone(resource), contained: ['x'] } },
    { name: 'narrative', resource: { ...structuredClone(resource), text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">ok</div>' } } },
    { name: 'narrative outside the xhtml namespace', resource: { ...structuredClone(resource), text: { status: 'generated', div: '<div>ok</div>' } } },
    { name: 'empty narrative', resource: { ...structuredClone(resource), text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml"> </div>' } } },
  ];
  if (type === 'Bundle' && Array.isArray(resource.entry) && resource.entry.length > 0) {
    const entry = structuredClone(resource.entry[0]) as Json;
    out.push(
      { name: 'an entry twice', resource: { ...structuredClone(resource), entry: [...structuredClone(resource.entry), entry] } },
      { name: 'an entry with a request', resource: { ...structuredClone(resource), entry: [{ ...entry, request: { method: 'GET', url: 'Patient/1' } }] } },
      { name: 'an entry with nothing', resource: { ...structuredClone(resource), entry: [{ fullUrl: 'https://x.example/Patient/1' }] } },
      { name: 'an entry whose fullUrl has a version', resource: { ...structuredClone(resource), entry: [{ ...entry, fullUrl: 'https://x.example/Patient/1/_history/2' }] } },
      { name: 'a total in a collection', resource: { ...structuredClone(resource), type: 'collection', entry: [entry] } },
      { name: 'a document without a Composition', resource: { ...structuredClone(resource), type: 'document', timestamp: '2024-01-01T00:00:00Z', identifier: { system: 'urn:x', value: '1' } } },
    );
  }
  return out;
}

/** One-change copies of `resource`. */
export function mutantsOf(resource: Json, label: string): Mutant[] {
  const out: Mutant[] = wholeResource(resource).map((m) => ({ ...m, name: `${label}: ${m.name}` }));
  for (const [path, value] of locations(resource)) {
    const at = `${label} ${path.join('.')}`;
    out.push({
      name: `${at}: removed`,
      resource: changed(resource, path, (holder, key) => {
        if (Array.isArray(holder)) holder.splice(key as number, 1);
        else delete holder[key];
      }),
    });
    for (const [what, replacement] of replacements(value)) {
      out.push({ name: `${at}: ${what}`, resource: changed(resource, path, (holder, key) => { holder[key] = structuredClone(replacement); }) });
    }
  }
  for (const [path, value] of [[[], resource] as [Seg[], unknown], ...locations(resource)]) {
    if (!isObj(value)) continue;
    for (const [what, extra] of additions(value)) {
      const copy = structuredClone(resource);
      const node = path.length === 0 ? copy : (parentOf(copy, path) as Record<Seg, unknown>)[path[path.length - 1]!];
      Object.assign(node as Json, structuredClone(extra));
      out.push({ name: `${label} ${path.join('.') || '(root)'}: ${what}`, resource: copy });
    }
  }
  return out;
}
