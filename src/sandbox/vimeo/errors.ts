// This file builds Vimeo's error answers: {error, link, developer_message, error_code, invalid_parameters?}.
//
// Shape and codes from Vimeo's OpenAPI file (github.com/vimeo/openapi api.yaml, components/schemas/error and the
// responses of each path) and from answers quoted in Vimeo's own issue trackers (cited where used). Codes marked
// "unverified" were found in neither; a client must not rely on them.

export interface InvalidParameter {
  field: string;
  error_code: number;
  error: string;
  developer_message: string;
}

export class VimeoError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly developerMessage: string = message,
    readonly extra: { invalidParameters?: InvalidParameter[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      error: this.message,
      link: null,
      developer_message: this.developerMessage,
      error_code: this.code,
      ...(this.extra.invalidParameters ? { invalid_parameters: this.extra.invalidParameters } : {}),
    };
  }
}

/** 400 2204 naming the fields that are wrong (api.yaml: "The request contains invalid parameters"). */
export function invalidParameters(fields: Array<[field: string, why: string]>, status = 400): VimeoError {
  const items = fields.map(([field, why]) => ({
    field,
    error_code: 2204,
    error: `${field}: ${why}`,
    developer_message: `The parameter "${field}" is invalid: ${why}`,
  }));
  return new VimeoError(
    status,
    2204,
    'You have provided an invalid parameter. Please contact developer of this application.',
    'The parameters passed to this API endpoint did not pass Vimeo\u2019s validation. Please check the invalid_parameters list for more information',
    { invalidParameters: items },
  );
}

/** 400 2205: the body is missing or is not JSON (api.yaml, upload_video_alt1 and create_project_alt1). */
export const malformedBody = (why: string): VimeoError =>
  new VimeoError(400, 2205, 'The body of the request isn\u2019t formatted properly.', why);

/** 404 5000 (api.yaml error example: "The specified resource does not exist."). */
export const notFound = (what = 'resource'): VimeoError =>
  new VimeoError(
    404,
    5000,
    `The requested ${what} couldn\u2019t be found.`,
    'The specified resource does not exist.',
  );

/** 403 3200 (api.yaml: "The authenticated user can't …" on projects). */
export const forbidden = (why: string): VimeoError => new VimeoError(403, 3200, why);

/** 401 8003: no credentials at all (the body vimeo/laravel#53 quotes). */
export const noCredentials = (): VimeoError =>
  new VimeoError(
    401,
    8003,
    'Something strange occurred. Please contact the app owners.',
    'No user credentials were provided.',
    { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
  );

/** 401 8000: a token the API does not know or that was revoked (api.yaml: "The user credentials are invalid."). */
export const invalidToken = (): VimeoError =>
  new VimeoError(
    401,
    8000,
    'You must provide a valid authenticated access token.',
    'The user credentials are invalid.',
    { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
  );

/** 401 8002: a client-credentials token has no user (body as vimeo/vimeo.php#185 quotes it). */
export const noUser = (): VimeoError =>
  new VimeoError(
    401,
    8002,
    'Unable to upload video. Please get in touch with the app\u2019s creator.',
    'The authentication token is missing a user ID and must be provided when uploading a video.',
  );

/** 403: the token lacks a scope (message as vimeo/vimeo.php#100 quotes it; error_code 8004 unverified). */
export const missingScope = (scope: string): VimeoError =>
  new VimeoError(
    403,
    8004,
    `Your access token does not have the "${scope}" scope`,
    `This action requires a token with the "${scope}" scope.`,
  );

/** Injected errors: the fault's reason as error_code when numeric, else a code fitting the status. */
export function injected(
  status: number,
  reason?: string,
  message?: string,
  initiating = false,
  retryAfter?: number,
): VimeoError {
  const defaults: Record<number, number> = { 400: 2204, 401: 8000, 403: 3200, 404: 5000, 429: 9000 };
  // 4003: "There is a problem initiating the upload" (api.yaml); 9999 has no documented meaning (unverified).
  const code =
    reason && /^\d+$/.test(reason)
      ? Number(reason)
      : (defaults[status] ?? (status >= 500 && initiating ? 4003 : 9999));
  return new VimeoError(
    status,
    code,
    message ?? 'Something strange occurred. Please try again.',
    'Injected by the sandbox.',
    retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } },
  );
}
