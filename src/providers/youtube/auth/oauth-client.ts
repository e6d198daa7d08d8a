// This file builds google-auth-library's OAuth2Client for a client_secrets.json, pointed at its endpoints.

import http from 'node:http';
import https from 'node:https';
import { OAuth2Client } from 'google-auth-library';
import { agentFor } from '../../../net/agents.js';
import type { ClientSecrets } from './client-secrets.js';

/**
 * The endpoints come from the secrets (Google's or the sandbox's); `endpoints` exists since
 * google-auth-library 9.6 (API-NOTES §9).
 */
export function createOAuthClient(secrets: ClientSecrets, redirectUri?: string): OAuth2Client {
  return new OAuth2Client({
    clientId: secrets.clientId,
    clientSecret: secrets.clientSecret,
    ...(redirectUri ? { redirectUri } : {}),
    endpoints: {
      oauth2AuthBaseUrl: secrets.authUri,
      oauth2TokenUrl: secrets.tokenUri,
      oauth2RevokeUrl: secrets.revokeUri,
    },
    // Every request of this client (token exchange and refresh, and each googleapis call made with it) takes the
    // connection vupload chose for its URL; gaxios's own reading of HTTPS_PROXY (no NO_PROXY ports, no SOCKS,
    // CONNECT even for http://) is then never used.
    transporterOptions: {
      agent: (url: URL) =>
        agentFor(url) ?? (url.protocol === 'https:' ? https.globalAgent : http.globalAgent),
    },
  });
}
