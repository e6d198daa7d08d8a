// This file applies --proxy and the *_PROXY variables before a command runs (the agent libraries load only then).
import type { CliContext } from './context.js';

/**
 * Chooses the connection of every request for this run: the proxy settings are checked (exit 2, credentials
 * hidden), and with none set every request connects directly, as before.
 */
export async function setupProxy(
  globals: { proxy?: string; verbose?: boolean },
  ctx: CliContext,
): Promise<void> {
  const { checkProxySettings, loadAgentModules, proxyAgents, proxyFor, redactProxy } = await import(
    '../net/proxy.js'
  );
  const { setAgentFor } = await import('../net/agents.js');
  const settings = { ...(globals.proxy !== undefined ? { flag: globals.proxy } : {}), env: ctx.env };
  if (!checkProxySettings(settings)) {
    setAgentFor(() => undefined);
    return;
  }
  setAgentFor(proxyAgents(settings, await loadAgentModules()));
  if (globals.verbose) {
    const through = (url: string) => {
      const proxy = proxyFor(new URL(url), settings);
      return proxy ? `through ${redactProxy(proxy.href)}` : 'directly (NO_PROXY)';
    };
    ctx.stderr.write(
      `vupload: https:// requests go ${through('https://www.googleapis.com/')}, http:// requests ${through('http://example.invalid/')}\n`,
    );
  }
}
