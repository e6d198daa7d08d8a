// This file builds Youku's error answers: {"error":{"code":N,"type":"…","description":"…"}} (API-NOTES §10).

/** The HTTP status each code usually comes with; check and commit answer errors with 200 instead (server.ts). */
const STATUS: Record<number, number> = {
  1001: 503,
  1002: 500,
  1005: 401,
  1009: 401,
  1012: 400,
  1013: 400,
  120010223: 400,
  120010225: 400,
  120020001: 404,
};

const TYPES: Record<number, string> = {
  1001: 'SystemException',
  1002: 'SystemException',
  1005: 'AuthException',
  1009: 'AuthException',
  1012: 'ParameterException',
  1013: 'ParameterException',
  120010223: 'UploadException',
  120010225: 'UploadException',
  120020001: 'VideoException',
};

const DESCRIPTIONS: Record<number, string> = {
  1001: 'Service unavailable',
  1002: 'Service exception',
  1005: 'Client id invalid',
  1009: 'Access token expired',
  1012: 'Missing parameter',
  1013: 'Invalid parameter',
  120010223: 'Upload token expired',
  120010225: 'Slice hash mismatch',
  120020001: 'Video not exist',
};

export class YoukuError extends Error {
  readonly code: number;
  readonly httpStatus: number;

  constructor(code: number, description?: string, httpStatus?: number) {
    super(description ?? DESCRIPTIONS[code] ?? `Error ${code}`);
    this.code = code;
    this.httpStatus = httpStatus ?? STATUS[code] ?? 400;
  }

  body(): { error: { code: number; type: string; description: string } } {
    return { error: { code: this.code, type: TYPES[this.code] ?? 'Exception', description: this.message } };
  }
}

export const missingParameter = (name: string): YoukuError =>
  new YoukuError(1012, `Missing parameter: ${name}`);
export const invalidParameter = (name: string, why = ''): YoukuError =>
  new YoukuError(1013, `Invalid parameter: ${name}${why ? ` (${why})` : ''}`);
export const uploadTokenExpired = (): YoukuError => new YoukuError(120010223);
