// This file applies --proxy and the *_PROXY variables before a command runs (the agent libraries load only then).
import type { CliContext } from './context.js';

/**
 * Chooses the connection of every request for this run: the proxy settings are checked (exit 2, credentials
 * hidden), and with none set every request connects directly, as before. It runs before any command, so every
 * address that receives credentials is checked against the proxy it would go through (src/credential-url.ts).
 */
export async function setupProxy(
  globals: { proxy?: string; verbose?: boolean },
  ctx: CliContext,
): Promise<void> {
  const { checkProxySettings, chooseProxy, redactProxy } = await import('../net/proxy.js');
  const { setRouting } = await import('../net/agents.js');
  const settings = { ...(globals.proxy !== undefined ? { flag: globals.proxy } : {}), env: ctx.env };
  if (!checkProxySettings(settings)) {
    setRouting({ agentFor: () => undefined, proxyFor: () => undefined });
    return;
  }
  const { loadAgentModules, proxyAgents } = await import('../net/proxy-agents.js');
  setRouting({
    agentFor: proxyAgents(settings, await loadAgentModules()),
    proxyFor: (url) => chooseProxy(url, settings),
  });
  if (globals.verbose) {
    const through = (url: string) => {
      const proxy = chooseProxy(new URL(url), settings);
      return proxy ? `through ${redactProxy(proxy.url.href)}` : 'directly (NO_PROXY)';
    };
    ctx.stderr.write(
      `vupload: https:// requests go ${through('https://www.googleapis.com/')}, http:// requests ${through('http://example.invalid/')}\n`,
    );
  }
}
