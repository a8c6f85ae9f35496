// The sex codes one OSCAR instance takes in searchDemographicsByAttributes (variants B9, §4.3):
// M,F,X,O,U on Open-O and CARLOS, M,F,T,O,U on OSCAR 15/19 and Juno. The third code names the same
// administrative sex in both sets; sending the one the WSDL lacks is an unmarshalling fault.

/** A sex code as the facade writes it; X and T both mean the instance's third code. */
export type SexCode = 'M' | 'F' | 'X' | 'T' | 'O' | 'U';

/**
 * `code` in the instance's set (`codes`, the WSDL's Gender enumeration): X and T become whichever
 * the set holds. Until discovery has read the WSDL, X (the code of the line the simulator speaks
 * by default, Open-O).
 */
export function instanceSexCode(code: string, codes: readonly string[] | undefined): string {
  if (code !== 'X' && code !== 'T') return code;
  if (codes?.includes('T') && !codes.includes('X')) return 'T';
  if (codes?.includes('X')) return 'X';
  return codes === undefined ? 'X' : code;
}
