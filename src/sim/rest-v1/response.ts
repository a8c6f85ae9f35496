// Juno's response envelopes (variants §3 card H, B15): every v1 answer, errors included, is a
// RestResponse {headers, body, error, status}; searches add total/page/perPage to the headers.
// Jackson with JavaTimeModule and WRITE_DATES_AS_TIMESTAMPS=false: LocalDate is "YYYY-MM-DD",
// LocalDateTime "YYYY-MM-DDTHH:mm:ss"; nulls are written.
import type { Response } from 'express';
import { sendBody } from '../rest/errors.js';

/** RestResponseHeaders: OscarProperties' build date and tag (the simulator is no build: null). */
const buildHeaders = (): Record<string, unknown> => ({ buildDate: null, buildTag: null });

export function success(body: unknown): unknown {
  return { headers: buildHeaders(), body, error: null, status: 'SUCCESS' };
}

export function searchSuccess(body: unknown[], page: number, perPage: number, total: number): unknown {
  return { headers: { ...buildHeaders(), total, page, perPage }, body, error: null, status: 'SUCCESS' };
}

/** An error envelope; every RestResponseError subclass also has `data`, always null here. */
export function failure(error: { message: string } & Record<string, unknown>): unknown {
  return { headers: buildHeaders(), body: null, error: { data: null, ...error }, status: 'ERROR' };
}

export interface Violation { path: string; message: string }

/** ConstraintViolationExceptionExceptionMapper: bean validation of parameters and bodies, HTTP 400. */
export function constraintViolations(violations: readonly Violation[]): unknown {
  return failure({ message: 'Constraint Violation Error', validationErrors: violations });
}

export function sendJson(res: Response, status: number, value: unknown): void {
  sendBody(res, status, 'application/json', JSON.stringify(value));
}

/** GeneralExceptionMapper: any unmapped exception, a JAX-RS NotFoundException included. */
export function sendSystemError(res: Response): void {
  sendJson(res, 500, failure({ message: 'System error' }));
}
