import type { FieldProblemCode, ProblemParams } from '../domain/problem-codes';
import type { RefusalCode } from '../domain/programme/refusal';

/** The one application error type. `code` decides the HTTP status through STATUS_BY_CODE. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_programme_member'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'request_header_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'dependency_unavailable'
  | 'template_archived'
  | 'internal'
  | 'idempotency_key_reused'
  | 'idempotency_request_in_progress'
  | 'sign_in_locked'
  | 'method_not_allowed'
  | 'calendar_token_only'
  | 'unknown_reference'
  | 'invalid_template'
  | 'quiet_hours_empty'
  | 'unreadable_file'
  | 'import_rejected'
  | 'unsafe_text'
  | RefusalCode;

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_programme_member: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  request_header_too_large: 431,
  unsupported_media_type: 415,
  rate_limited: 429,
  dependency_unavailable: 503,
  template_archived: 409,
  internal: 500,
  // Idempotency-Key (IETF draft): the key names another request / its first request still runs.
  idempotency_key_reused: 422,
  idempotency_request_in_progress: 409,
  // Too many failed sign-ins; params.minutes says how long the lock lasts.
  sign_in_locked: 429,
  method_not_allowed: 405,
  // A calendar feed token used anywhere but the feed.
  calendar_token_only: 401,
  // A well-formed body naming a template, organisation or user that does not exist (or is archived): no schema can list them.
  unknown_reference: 422,
  // Rules across a whole template (a date parameter, indicator or step it names but does not declare, a cycle): beyond JSON Schema.
  invalid_template: 422,
  // Quiet hours whose start equals their end (an empty window): JSON Schema cannot compare two fields.
  quiet_hours_empty: 422,
  unreadable_file: 422,
  import_rejected: 422,
  unsafe_text: 422,
  // Lifecycle refusals (decided by the workflow's Update validators).
  programme_not_active: 409,
  unknown_step: 404,
  unknown_phase: 404,
  unknown_deliverable: 422,
  unknown_child: 404,
  unknown_indicator: 404,
  step_not_active: 409,
  part_already_completed: 409,
  not_assignee: 403,
  deliverable_missing: 422,
  deliverable_not_accepted: 422,
  deliverable_already_reviewed: 409,
  indicator_below_target: 422,
  phase_full: 409,
  phase_closed: 409,
  already_enrolled: 409,
  gate_not_pending: 409,
  gate_children_pending: 409,
  gate_capacity_below_minimum: 409,
  invalid_due_date: 422,
  due_date_in_past: 422,
  not_paused: 409,
  already_paused: 409,
  too_few_providers: 422,
  bid_after_deadline: 409,
  invalid_assessment: 422,
  invalid_award: 422,
  not_allowed: 403,
  // A programme's history (issue 20) the lifecycle could not have lived: a fact dated in the future, out of order...
  history_invalid: 422,
  invalid_outcome: 422,
  // Moving a running programme to a newer template version would lose work or break its order (params.reason says why).
  upgrade_refused: 409,
  invalid_indicator_entry: 422,
};

/** One field's problem: where, a code (domain/problem-codes.ts) and the values its sentence needs; `message` is English for developers. */
export interface FieldProblem {
  path: string;
  message: string;
  code: FieldProblemCode;
  params?: Record<string, string | number>;
}

/** Every code the API may answer, for the catalogue test and the OpenAPI document. */
export const ERROR_CODES = Object.keys(STATUS_BY_CODE) as ErrorCode[];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    /** English, for logs and developers; screens say the code (and `params`) from their catalogues. */
    message: string,
    readonly errors?: FieldProblem[],
    readonly retryAfterSeconds?: number,
    /** Values the client's message catalogue interpolates: a `reason` naming the exact sentence, minutes left, an ISO deadline… */
    readonly params?: ProblemParams,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function isErrorCode(code: string | undefined): code is ErrorCode {
  return code !== undefined && code in STATUS_BY_CODE;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** RFC 9457 problem details. `type` names the code so clients can branch on it. */
export function toProblem(err: AppError, requestId: string) {
  return {
    type: `https://jalons.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: TITLES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    code: err.code,
    requestId,
    ...(err.errors ? { errors: err.errors } : {}),
    ...(err.params ? { params: err.params } : {}),
  };
}
