// This file is the Youku provider's public surface: upload, status, login/refresh, token store, client credentials.
export { loadYoukuClient, type YoukuClient, youkuClientFile } from './credentials.js';
export {
  isTransientYoukuError,
  parseYoukuError,
  YoukuApiError,
  YoukuCode,
  type YoukuErrorInfo,
} from './errors.js';
export { youkuMetadata } from './metadata.js';
export {
  createYoukuAuth,
  exchangeYoukuCode,
  refreshYoukuToken,
  YOUKU_OAUTH_URL,
  type YoukuLoginOptions,
  type YoukuTokenAnswer,
  youkuAuthorizeUrl,
  youkuLogin,
} from './oauth.js';
export { YOUKU_API_URL, type YoukuAuth, type YoukuUploadOptions, type YoukuUploadResult } from './options.js';
export { youkuStateDir } from './state.js';
export { type YoukuStatusOptions, type YoukuVideoStatus, youkuVideoStatus } from './status.js';
export {
  deleteYoukuToken,
  readYoukuToken,
  writeYoukuToken,
  type YoukuStoredToken,
  youkuTokenPath,
  youkuTokensDir,
} from './token-store.js';
export { uploadToYouku } from './upload.js';
