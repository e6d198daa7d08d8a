// This file is a scripted transport for engine tests: each expected request is asserted, then answered as scripted.
import assert from 'node:assert/strict';
import {
  abortError,
  type RequestBody,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from '../../src/upload/index.js';

export interface SeenRequest {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer, a network failure after reading `afterBytes` of the body, or a request that never ends until aborted. */
export type Reply =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { error: string; afterBytes?: number }
  | { hang: true };

interface Turn {
  label: string;
  check: (request: SeenRequest) => void | Promise<void>;
  reply: Reply | ((request: SeenRequest) => Reply);
}

export class ScriptedTransport implements Transport {
  readonly seen: SeenRequest[] = [];
  private readonly turns: Turn[] = [];

  /** Adds the next expected request: `check` asserts on it, `reply` answers it. */
  expect(label: string, check: Turn['check'], reply: Turn['reply']): this {
    this.turns.push({ label, check, reply });
    return this;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const turn = this.turns.shift();
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
    if (!turn)
      assert.fail(`unexpected request ${request.method} ${request.url} ${headers['content-range'] ?? ''}`);
    const planned = typeof turn.reply === 'function' ? undefined : turn.reply;
    const limit = planned && 'error' in planned ? planned.afterBytes : undefined;
    const body = await readBody(request.body, limit);
    const seen: SeenRequest = { method: request.method, url: request.url, headers, body };
    this.seen.push(seen);
    await turn.check(seen);
    const reply = typeof turn.reply === 'function' ? turn.reply(seen) : turn.reply;
    if ('hang' in reply) return hang(request.signal);
    if ('error' in reply) throw Object.assign(new Error(`scripted ${reply.error}`), { code: reply.error });
    const text =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    return { status: reply.status, headers: { ...reply.headers }, body: Buffer.from(text) };
  }

  /** Fails the test if a scripted request was never made. */
  assertDone(): void {
    assert.deepEqual(
      this.turns.map((t) => t.label),
      [],
      'scripted requests that were never made',
    );
  }
}

/** Reads a body whole, or only its first `limit` bytes (then drops the stream as a cut connection would). */
async function readBody(body: RequestBody | Buffer | undefined, limit?: number): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    // A copy: readSlice lends its buffers only until the next chunk is asked for.
    chunks.push(Buffer.from(chunk as Buffer));
    length += (chunk as Buffer).length;
    if (limit !== undefined && length >= limit) break;
  }
  const all = Buffer.concat(chunks);
  return limit === undefined ? all : all.subarray(0, limit);
}

function hang(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(abortError(signal.reason));
    signal.addEventListener('abort', () => reject(abortError(signal.reason)), { once: true });
  });
}

/** A clock whose sleep records the delay and moves time forward at once. */
export class FakeClock {
  time = 1_700_000_000_000;
  readonly sleeps: number[] = [];
  now = (): number => this.time;
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) throw abortError(signal.reason);
    this.sleeps.push(ms);
    this.time += ms;
  };
}

/** Auth whose token changes on every refresh, so tests can see which token a request carried. */
export class FakeAuth {
  refreshes = 0;
  headers = (): Record<string, string> => ({ Authorization: `Bearer token-${this.refreshes}` });
  refresh = async (): Promise<void> => {
    this.refreshes++;
  };
}
