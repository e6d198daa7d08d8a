// This file names a failure of the proxy itself (down, refusing the login, refusing or failing the target), so that
// the message blames the proxy (its URL without the password), not the platform behind it, and says what to check.
import { ExitCode, type ExitCodeValue, VuploadError } from '../errors.js';

/**
 * - unreachable: no connection to the proxy (refused, timed out, name unknown, closed before it answered);
 * - gateway: the proxy is up but could not connect to the target (HTTP 502/503/504, SOCKS host unreachable …);
 * - login: the proxy refused its credentials, or wants some (HTTP 407, SOCKS5 authentication);
 * - refused: the proxy's rules do not allow the target (HTTP 403, SOCKS "not allowed");
 * - failed: anything else the proxy said (not a SOCKS server, a bad TLS certificate …).
 */
export type ProxyFailureKind = 'unreachable' | 'gateway' | 'login' | 'refused' | 'failed';

export interface ProxyFailureInit {
  kind: ProxyFailureKind;
  /** The proxy URL with its credentials hidden (redactProxy). */
  proxy: string;
  /** Where it was set: `--proxy`, `HTTPS_PROXY`, `all_proxy` … */
  source: string;
  /** What happened, e.g. `ECONNREFUSED` or `HTTP 407 Proxy Authentication Required`. */
  detail: string;
  /** `host:port` the proxy was asked to connect to. */
  target: string;
  /**
   * Errno-like: a connection failure's own code (ECONNREFUSED, ETIMEDOUT …) for `unreachable` and `gateway`, so the
   * retry rules of every client treat a dead proxy as any lost connection (exit 5 once retries are spent); for the
   * others a code no client retries (PROXY_LOGIN, PROXY_REFUSED, PROXY_FAILED).
   */
  code: string;
}

/** Thrown by the proxy agents (src/net/proxy-agents.ts) instead of the libraries' own errors. */
export class ProxyFailure extends Error {
  readonly kind: ProxyFailureKind;
  readonly proxy: string;
  readonly source: string;
  readonly detail: string;
  readonly target: string;
  readonly code: string;

  constructor(init: ProxyFailureInit) {
    super(describe(init));
    this.name = 'ProxyFailure';
    this.kind = init.kind;
    this.proxy = init.proxy;
    this.source = init.source;
    this.detail = init.detail;
    this.target = init.target;
    this.code = init.code;
    remember(this);
  }
}

function describe(f: ProxyFailureInit): string {
  switch (f.kind) {
    case 'unreachable':
      return `could not connect to the proxy ${f.proxy} (${f.detail})`;
    case 'gateway':
      return `the proxy ${f.proxy} could not connect to ${f.target} (${f.detail})`;
    case 'login':
      return `the proxy ${f.proxy} refused the login (${f.detail})`;
    case 'refused':
      return `the proxy ${f.proxy} refused to connect to ${f.target} (${f.detail})`;
    case 'failed':
      return `the proxy ${f.proxy} failed (${f.detail})`;
  }
}

/**
 * node-fetch (under gaxios, so every googleapis call and token refresh) keeps only the code and the message of the
 * agent's error, in a message of its own; the failures are kept here by message, so that they are found again.
 */
const recent = new Map<string, ProxyFailure>();

function remember(failure: ProxyFailure): void {
  recent.delete(failure.message);
  recent.set(failure.message, failure);
  if (recent.size > 32) recent.delete(recent.keys().next().value as string);
}

/** The proxy failure behind `error` (itself, a cause, or quoted in a wrapper's message), if there is one. */
export function proxyFailureIn(error: unknown): ProxyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof ProxyFailure) return current;
    const {
      message,
      cause,
      error: inner,
    } = current as { message?: unknown; cause?: unknown; error?: unknown };
    if (typeof message === 'string' && recent.size > 0) {
      for (const failure of recent.values()) if (message.includes(failure.message)) return failure;
    }
    current = cause ?? inner;
  }
  return undefined;
}

const EXIT: Record<ProxyFailureKind, ExitCodeValue> = {
  unreachable: ExitCode.network,
  gateway: ExitCode.network,
  login: ExitCode.auth,
  refused: ExitCode.api,
  failed: ExitCode.api,
};

const CODE: Record<ProxyFailureKind, string> = {
  unreachable: 'proxyUnreachable',
  gateway: 'proxyGateway',
  login: 'proxyAuth',
  refused: 'proxyRefused',
  failed: 'proxyFailed',
};

function hint(f: ProxyFailure): string {
  const again = 'running the same command again is safe (an upload resumes).';
  const direct = `\`--proxy ''\` or NO_PROXY=HOST connects directly`;
  switch (f.kind) {
    case 'unreachable':
      return `Check that the proxy is running and that ${f.source} names its host and port (${direct}); ${again}`;
    case 'gateway':
      return `Check that the proxy can reach ${f.target} (its own network, its allow list); ${again}`;
    case 'login':
      return (
        `Check the user name and password in ${f.source}: ${f.proxy.split('://')[0]}://USER:PASSWORD@HOST:PORT, ` +
        'with @ : / % in them percent-encoded (%40 %3A %2F %25).'
      );
    case 'refused':
      return `The proxy's rules do not allow ${f.target}: ask its administrator, or ${direct}.`;
    case 'failed':
      return `Check that ${f.source} names a proxy of that kind (http://, https://, socks5://) and that it works.`;
  }
}

/**
 * The error to report for a proxy failure: exit 5 for a proxy that cannot be reached or cannot reach the target
 * (as any network failure), 3 for a refused login (as any refused credential), 1 for a refusal by its rules.
 * `note` adds how it ended, e.g. "gave up after 2 retries".
 */
export function proxyError(failure: ProxyFailure, note?: string): VuploadError {
  const text = failure.message.charAt(0).toUpperCase() + failure.message.slice(1);
  return new VuploadError(CODE[failure.kind], EXIT[failure.kind], `${text}${note ? `; ${note}` : ''}.`, {
    hint: hint(failure),
    cause: failure,
  });
}

/** `error` as the proxy's failure when it is one, else undefined: for the places that map errors to messages. */
export function asProxyError(error: unknown, note?: string): VuploadError | undefined {
  const failure = proxyFailureIn(error);
  return failure ? proxyError(failure, note) : undefined;
}
