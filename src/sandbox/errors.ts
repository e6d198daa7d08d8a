// This file builds error answers the way Google shapes them: the Data API's JSON error body and OAuth's flat one.

/** One entry of `error.errors[]` in a Data API error body. */
export interface ErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ALREADY_EXISTS',
  413: 'OUT_OF_RANGE',
  416: 'OUT_OF_RANGE',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Default reason for a bare status, as Google's front end reports it (core_errors page). */
const DEFAULT_REASONS: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  408: 'requestTimeout',
  409: 'conflict',
  413: 'uploadTooLarge',
  416: 'requestedRangeNotSatisfiable',
  429: 'rateLimitExceeded',
  500: 'internalError',
  502: 'badGateway',
  503: 'backendError',
  504: 'gatewayTimeout',
};

/** Reasons whose domain is not 'global' (API-NOTES §2: quotaExceeded lives in youtube.quota). */
const DOMAINS: Record<string, string> = {
  quotaExceeded: 'youtube.quota',
  dailyLimitExceeded: 'usageLimits',
  rateLimitExceeded: 'usageLimits',
  userRateLimitExceeded: 'usageLimits',
  uploadLimitExceeded: 'youtube.video',
  uploadRateLimitExceeded: 'youtube.thumbnail',
  invalidImage: 'youtube.thumbnail',
  mediaBodyRequired: 'youtube.video',
  videoNotFound: 'youtube.video',
  playlistNotFound: 'youtube.playlistItem',
  captionExists: 'youtube.caption',
  unknownPart: 'youtube.part',
};

const DEFAULT_MESSAGES: Record<string, string> = {
  quotaExceeded: 'The request cannot be completed because you have exceeded your quota.',
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  uploadLimitExceeded: 'The user has exceeded the number of videos they may upload.',
  uploadRateLimitExceeded:
    'The channel has uploaded too many thumbnails recently. Please try the request later.',
  backendError: 'Backend Error',
  internalError: 'Internal Error',
  forbidden: 'Forbidden',
  notFound: 'Not Found',
  authError: 'Invalid Credentials',
};

export function defaultReason(status: number): string {
  return DEFAULT_REASONS[status] ?? (status >= 500 ? 'backendError' : 'badRequest');
}

export function domainFor(reason: string): string {
  return DOMAINS[reason] ?? 'global';
}

/** An error the handlers throw; the server turns it into Google's body. */
export class ApiError extends Error {
  readonly status: number;
  readonly item: ErrorItem;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    reason: string,
    message?: string,
    extra: {
      domain?: string;
      location?: string;
      locationType?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    const text = message ?? DEFAULT_MESSAGES[reason] ?? reason;
    super(text);
    this.status = status;
    this.headers = extra.headers ?? {};
    this.item = { domain: extra.domain ?? domainFor(reason), reason, message: text };
    if (extra.locationType) this.item.locationType = extra.locationType;
    if (extra.location) this.item.location = extra.location;
  }

  body(): { error: { code: number; message: string; errors: ErrorItem[]; status?: string } } {
    const error: { code: number; message: string; errors: ErrorItem[]; status?: string } = {
      code: this.status,
      message: this.item.message,
      errors: [this.item],
    };
    const name = STATUS_NAMES[this.status];
    if (name) error.status = name;
    return { error };
  }
}

/** 400 for a bad video field; `location` names the body property (e.g. 'snippet.title'). */
export function invalid(reason: string, message: string, location?: string): ApiError {
  return new ApiError(400, reason, message, {
    domain: 'youtube.video',
    ...(location ? { location: `body.${location}`, locationType: 'other' } : {}),
  });
}

export function requiredParameter(name: string): ApiError {
  return new ApiError(400, 'required', `Required parameter: ${name}`, {
    location: name,
    locationType: 'parameter',
  });
}

/** The 401 every Data API endpoint gives without a usable bearer token. */
export function invalidCredentials(): ApiError {
  return new ApiError(401, 'authError', 'Invalid Credentials', {
    location: 'Authorization',
    locationType: 'header',
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  });
}

/** The 401 for a request that carries no credentials at all: Google's reason `required`, "Login Required". */
export function loginRequired(): ApiError {
  return new ApiError(401, 'required', 'Login Required', {
    location: 'Authorization',
    locationType: 'header',
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  });
}

export function insufficientPermissions(): ApiError {
  return new ApiError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.');
}

/** An OAuth endpoint error: `{"error":"invalid_grant","error_description":"…"}` (RFC 6749 §5.2). */
export class OAuthError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, description: string) {
    super(description);
    this.status = status;
    this.code = code;
  }

  body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
