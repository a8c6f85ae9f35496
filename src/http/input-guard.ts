// Checks on raw input that no FHIR rule covers but OSCAR needs: bounded query strings, bounded
// JSON nesting, and text that can travel to OSCAR at all. Everything we accept ends up in a SOAP
// (XML 1.0) envelope or a MySQL row and comes back through XML, so a character XML 1.0 cannot
// carry (NUL and most C0 controls, lone surrogates, U+FFFE/U+FFFF) is refused here with a 400 —
// escaping cannot help, it would only fail later at OSCAR as a 502. Tabs, CR and LF are legal XML
// and pass; escaping them is the job of the JSON and SOAP serialisers.
import { FhirError } from '../fhir/index.js';
import { isXmlText } from '../oscar/soap-envelope.js';

export const INPUT_LIMITS = {
  /** Query (or form `_search`) parameters per request. */
  maxParams: 100,
  /** Length of one parameter name. */
  maxNameLength: 256,
  /** Length of one parameter value (100 ids of 10 digits fit comfortably). */
  maxValueLength: 4096,
  /** Nesting depth of a JSON body (resources nest about 10 deep; recursion downstream must stay safe). */
  maxJsonDepth: 64,
} as const;


const tooLong = (msg: string, expression?: string): FhirError =>
  new FhirError(400, { severity: 'error', code: 'too-long', diagnostics: msg, ...(expression && { expression: [expression] }) });

/** The one answer for a body nested too deep, whichever check finds it. */
export const jsonTooDeep = (): FhirError => tooLong(`the body is nested more than ${INPUT_LIMITS.maxJsonDepth} levels deep`);

const badText = (where: string): FhirError =>
  new FhirError(400, { severity: 'error', code: 'invalid', diagnostics: `${where} contains a control character or an invalid Unicode sequence, which the EMR cannot store` });

/** Bounds and character checks on decoded query/form pairs; throws a 400 FhirError. */
export function checkParams(pairs: readonly (readonly [string, string])[], where = 'query'): void {
  if (pairs.length > INPUT_LIMITS.maxParams) throw tooLong(`the ${where} has more than ${INPUT_LIMITS.maxParams} parameters`);
  for (const [k, v] of pairs) {
    // Names are echoed in diagnostics: bound them before anything else looks at them.
    if (k.length > INPUT_LIMITS.maxNameLength) throw tooLong(`a ${where} parameter name is longer than ${INPUT_LIMITS.maxNameLength} characters`);
    if (v.length > INPUT_LIMITS.maxValueLength) throw tooLong(`the value of '${k}' is longer than ${INPUT_LIMITS.maxValueLength} characters`, k);
    if (!isXmlText(k)) throw badText(`a ${where} parameter name`);
    if (!isXmlText(v)) throw badText(`the value of '${k}'`);
  }
}

/**
 * Walks a parsed JSON body without recursion (a hostile body must not overflow the stack here
 * or in the recursive validators after us): depth bound and character checks on every string,
 * keys included.
 */
export function checkJsonBody(body: unknown): void {
  if (typeof body !== 'object' || body === null) {
    if (typeof body === 'string' && !isXmlText(body)) throw badText('the body');
    return;
  }
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > INPUT_LIMITS.maxJsonDepth) throw jsonTooDeep();
    if (Array.isArray(node)) {
      for (const v of node) {
        if (typeof v === 'string') { if (!isXmlText(v)) throw badText('a string in the body'); } else if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
      }
    } else {
      for (const k in node as Record<string, unknown>) {
        if (!isXmlText(k)) throw badText('a property name in the body');
        const v = (node as Record<string, unknown>)[k];
        if (typeof v === 'string') { if (!isXmlText(v)) throw badText('a string in the body'); } else if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
      }
    }
  }
}
