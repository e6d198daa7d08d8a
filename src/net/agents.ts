// This file holds the process's choice of connection per URL (direct, or through a proxy) for every HTTP client.
import type { Agent } from 'node:http';

/** The agent to use for a request to `url`; undefined: the client's own (a direct connection). */
export type AgentFor = (url: URL) => Agent | undefined;

let current: AgentFor = () => undefined;

/** Set once at start-up (src/cli/proxy-setup.ts); tests of other parts never set it. */
export function setAgentFor(choose: AgentFor): void {
  current = choose;
}

/**
 * The agent for `url`. The engine's transport, the Youku client and google-auth-library (through gaxios, so also
 * every googleapis call) all ask here, so one proxy setting covers every request vupload makes.
 */
export function agentFor(url: URL | string): Agent | undefined {
  return current(typeof url === 'string' ? new URL(url) : url);
}
