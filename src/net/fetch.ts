// This file is a fetch() over the engine's transport, so requests made with fetch's shape (token revocation) take
// the same route as every other request, proxy included (Node's own fetch ignores the agent vupload chose).
import { createHttpTransport } from '../upload/transport.js';

/** Enough of fetch for a small request and its answer; network failures reject like fetch's (`cause.code`). */
export const agentFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const transport = createHttpTransport({ idleTimeoutMs: 30_000 });
  try {
    const body = init?.body === undefined || init.body === null ? undefined : Buffer.from(String(init.body));
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    if (body) headers['content-length'] = String(body.length);
    const res = await transport
      .request({
        method: init?.method ?? 'GET',
        url: String(input instanceof Request ? input.url : input),
        headers,
        ...(body ? { body } : {}),
        ...(init?.signal ? { signal: init.signal } : {}),
      })
      .catch((error: unknown) => {
        throw Object.assign(new TypeError('fetch failed'), { cause: error });
      });
    const answer = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) answer.set(name, value);
    const empty = res.body.length === 0 || res.status === 204 || res.status === 304;
    return new Response(empty ? null : res.body, { status: res.status, headers: answer });
  } finally {
    transport.close();
  }
}) as typeof globalThis.fetch;
