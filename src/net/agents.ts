// This file holds the process's choice of connection per URL (direct, or through a proxy) for every HTTP client.
import type { Agent } from 'node:http';

/** The agent to use for a request to `url`; undefined: the client's own (a direct connection). */
export type AgentFor = (url: URL) => Agent | undefined;

/** A proxy a request goes through, and where the user set it (`--proxy`, `HTTPS_PROXY`, `all_proxy` …). */
export interface ChosenProxy {
  url: URL;
  source: string;
}

/** The proxy for a request to `url`; undefined: a direct connection. */
export type ProxyChoice = (url: URL) => ChosenProxy | undefined;

let currentAgent: AgentFor = () => undefined;
let currentProxy: ProxyChoice = () => undefined;

/**
 * Set once per run at start-up (src/cli/proxy-setup.ts), before any address that receives credentials is checked;
 * tests of other parts never set it. The agent and the proxy it names always come from the same settings.
 */
export function setRouting(routing: { agentFor: AgentFor; proxyFor: ProxyChoice }): void {
  currentAgent = routing.agentFor;
  currentProxy = routing.proxyFor;
}

/**
 * The agent for `url`. The engine's transport, the Youku client and google-auth-library (through gaxios, so also
 * every googleapis call) all ask here, so one proxy setting covers every request vupload makes.
 */
export function agentFor(url: URL | string): Agent | undefined {
  return currentAgent(typeof url === 'string' ? new URL(url) : url);
}

/** The proxy a request to `url` goes through (src/credential-url.ts asks before credentials go there). */
export function proxyOf(url: URL | string): ChosenProxy | undefined {
  return currentProxy(typeof url === 'string' ? new URL(url) : url);
}
