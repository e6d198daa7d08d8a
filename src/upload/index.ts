// This file is the upload engine's public surface: what the CLI, the YouTube layer and a bench may import.
export { type Clock, systemClock } from './clock.js';
export { CONTENT_HASH_ALGORITHM, ContentHasher, hashFile } from './content-hash.js';
export { uploadResumable } from './engine.js';
export {
  fileChangedError,
  type GoogleErrorInfo,
  gaveUpError,
  HttpError,
  interruptedError,
  networkError,
  parseGoogleError,
  protocolError,
  redactUrl,
} from './errors.js';
export { assertUnchanged, type FileSnapshot, readSlice, snapshotFile } from './file-source.js';
export { fingerprintFile } from './fingerprint.js';
export { appendHistory, HISTORY_FILE, type HistoryEntry, readHistory } from './journal.js';
export {
  DEFAULT_RETRIES,
  DEFAULT_SESSION_MAX_AGE_MS,
  DEFAULT_TIME_BUDGET_MS,
  type UploadOptions,
  type UploadResult,
} from './options.js';
export { ProgressTracker, type UploadProgress } from './progress.js';
export { googleResumable, type ProtocolContext, type UploadAuth, type UploadProtocol } from './protocol.js';
export { contentRange, parseRange, statusQueryRange } from './range.js';
export { TokenBucket } from './rate-limit.js';
export {
  classifyStatus,
  DEFAULT_MAX_DELAY_MS,
  gaveUpAfter,
  isRetryableNetworkError,
  parseRetryAfter,
  RETRYABLE_NETWORK_CODES,
  RETRYABLE_STATUSES,
  retriesText,
  retryDelay,
  type SessionAnswer,
} from './retry.js';
export {
  type CurrentUpload,
  createFileSessionStore,
  createMemorySessionStore,
  type DiscardReason,
  judgeKeptSession,
  type KeptSessionVerdict,
  legacySessionKey,
  type SessionRecord,
  type SessionStore,
  sessionKey,
  sessionsDir,
} from './session-store.js';
export { alignChunkSize, CHUNK_GRANULARITY, formatBytes, parseSize } from './size.js';
export {
  PIPE_CHUNK_SIZE,
  STREAM_FINGERPRINT,
  type StreamUploadOptions,
  uploadStream,
} from './stream-engine.js';
export { type PieceSource, pipeSource } from './stream-input.js';
export {
  abortError,
  createHttpTransport,
  type HttpTransport,
  type HttpTransportOptions,
  type RequestBody,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport.js';
export { TUS_VERSION, tusProtocol, uploadOffset } from './tus.js';
