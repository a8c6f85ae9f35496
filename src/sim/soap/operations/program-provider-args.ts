// The arguments every `…ByProgramProviderDemographicDate` operation takes (contract 4.6–4.10):
// arg0 programId, arg1 providerNo, arg2 demographicId, arg3 "updated after" date, arg4 limit.
// The DAOs dereference the date unguarded (an NPE fault naming their own parameter when it is
// missing) and cap the limit through AbstractDaoImpl.setLimit.
import { npeFault } from '../faults.js';
import type { Args, ParsedCalendar } from '../parse.js';
import { checkLimit } from '../query.js';

export interface ProgramProviderArgs {
  programId: number | null;
  providerNo: string | null;
  demographicId: number | null;
  after: ParsedCalendar;
  max: number;
}

export function programProviderArgs(a: Args, dateVariable: string): ProgramProviderArgs {
  const after = a.cal('arg3');
  if (after === null) throw npeFault('java.util.Calendar.getTime()', dateVariable);
  const max = a.intP('arg4');
  checkLimit(max);
  return { programId: a.int('arg0'), providerNo: a.str('arg1'), demographicId: a.int('arg2'), after, max };
}
