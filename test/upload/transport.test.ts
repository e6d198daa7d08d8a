// This file tests the node:http transport against a local server: streaming, 308 handling, cuts and aborts.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createHttpTransport, isRetryableNetworkError } from '../../src/upload/index.js';
import { waitFor } from '../helpers/wait.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let base: string;
let handler: Handler;
const transport = createHttpTransport({ idleTimeoutMs: 5000 });

before(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  transport.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('the http transport', () => {
  test('streams a body with its Content-Length and buffers the answer', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024, 7);
    let received: { length: number; header?: string; chunked?: string } = { length: 0 };
    handler = async (req, res) => {
      const body = await readAll(req);
      received = {
        length: body.length,
        header: req.headers['content-length'],
        chunked: req.headers['transfer-encoding'],
      };
      res.writeHead(201, { 'content-type': 'application/json', 'x-extra': 'yes' }).end('{"id":"v1"}');
    };
    const res = await transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': String(data.length) },
      body: Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-extra'], 'yes');
    assert.deepEqual(JSON.parse(res.body.toString()), { id: 'v1' });
    assert.deepEqual(received, { length: data.length, header: String(data.length), chunked: undefined });
  });

  test('returns a 308 with a Location as it is, without following it', async () => {
    handler = (_req, res) => res.writeHead(308, { range: 'bytes=0-9', location: `${base}/elsewhere` }).end();
    const res = await transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': '0' },
    });
    assert.equal(res.status, 308);
    assert.equal(res.headers.range, 'bytes=0-9');
  });

  test('a connection cut mid-body rejects with a retryable network error', async () => {
    handler = (req) => {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 100_000) req.socket.destroy();
      });
    };
    const data = Buffer.alloc(4 * 1024 * 1024, 1);
    const error = await transport
      .request({
        method: 'PUT',
        url: `${base}/s`,
        headers: { 'Content-Length': String(data.length) },
        body: Readable.from([data]),
      })
      .then(
        () => assert.fail('expected a network error'),
        (e: unknown) => e,
      );
    assert.ok(
      isRetryableNetworkError(error),
      `not retryable: ${String(error)} ${(error as { code?: string }).code}`,
    );
  });

  test('an answer that comes before the body is read is returned and the body stream is stopped', async () => {
    handler = (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no"}');
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 4096; i++) yield Buffer.alloc(64 * 1024);
      })(),
    );
    const res = await transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': String(4096 * 64 * 1024) },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal(body.destroyed, true);
  });

  test('an iterable body is written chunk by chunk, each asked for only once the socket took the one before', async () => {
    let received: Buffer = Buffer.alloc(0);
    handler = async (req, res) => {
      received = await readAll(req);
      res.writeHead(200).end('{}');
    };
    const reuse = Buffer.alloc(256 * 1024);
    async function* chunks() {
      for (let i = 0; i < 16; i++) {
        // One buffer, filled again for each chunk: the transport must be done with it by then.
        reuse.fill(i);
        yield reuse;
      }
    }
    const res = await transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': String(16 * reuse.length) },
      body: chunks(),
    });
    assert.equal(res.status, 200);
    assert.equal(received.length, 16 * reuse.length);
    for (let i = 0; i < 16; i++) {
      const piece = received.subarray(i * reuse.length, (i + 1) * reuse.length);
      assert.ok(
        piece.every((byte) => byte === i),
        `chunk ${i} arrived as it was lent`,
      );
    }
  });

  test('an answer that comes before an iterable body is sent closes the iterable', async () => {
    handler = (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no"}');
    let closed = false;
    let yielded = 0;
    async function* chunks() {
      try {
        for (let i = 0; i < 4096; i++) {
          yielded++;
          yield Buffer.alloc(64 * 1024);
        }
      } finally {
        closed = true;
      }
    }
    const res = await transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': String(4096 * 64 * 1024) },
      body: chunks(),
    });
    assert.equal(res.status, 400);
    await waitFor('the iterable to be closed', () => closed);
    assert.ok(yielded < 4096, `${yielded} chunks were asked for`);
  });

  test('requests with iterable bodies share one keep-alive connection, even when the answer comes before the iterable is closed', async () => {
    const sockets = new Set<unknown>();
    handler = async (req, res) => {
      sockets.add(req.socket);
      await readAll(req);
      res.writeHead(308, { range: 'bytes=0-9' }).end();
    };
    for (let i = 0; i < 3; i++) {
      // The iterable is still closing (as readSlice closes its file) when the whole body is out and the answer in.
      let closing: (() => void) | undefined;
      const closed = new Promise<void>((resolve) => {
        closing = resolve;
      });
      async function* chunks() {
        try {
          yield Buffer.alloc(64 * 1024, 1);
          yield Buffer.alloc(64 * 1024, 2);
        } finally {
          await closed;
        }
      }
      const res = await transport.request({
        method: 'PUT',
        url: `${base}/s`,
        headers: { 'Content-Length': String(128 * 1024) },
        body: chunks(),
      });
      assert.equal(res.status, 308);
      closing!();
    }
    assert.equal(sockets.size, 1, `${sockets.size} connections for 3 requests`);
  });

  test('an abort before the request had a socket closes an iterable body', async () => {
    handler = () => {};
    let closed = false;
    async function* chunks() {
      try {
        for (;;) yield Buffer.alloc(1024);
      } finally {
        closed = true;
      }
    }
    const controller = new AbortController();
    const pending = transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': String(1024 * 1024 * 1024) },
      body: chunks(),
      signal: controller.signal,
    });
    controller.abort('SIGTERM');
    await assert.rejects(pending, (e: unknown) => (e as { reason?: unknown }).reason === 'SIGTERM');
    await waitFor('the iterable to be closed', () => closed);
  });

  test('aborting rejects with the signal reason and frees the request', async () => {
    handler = () => {}; // never answers
    const controller = new AbortController();
    const pending = transport.request({
      method: 'PUT',
      url: `${base}/s`,
      headers: { 'Content-Length': '0' },
      signal: controller.signal,
    });
    setImmediate(() => controller.abort('SIGINT'));
    await assert.rejects(
      pending,
      (e: unknown) =>
        (e as { name?: string; reason?: unknown }).name === 'AbortError' &&
        (e as { reason?: unknown }).reason === 'SIGINT',
    );
  });

  test('a refused connection is a retryable network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await transport
      .request({ method: 'POST', url: `http://127.0.0.1:${port}/`, headers: {} })
      .catch((e: unknown) => e);
    assert.ok(isRetryableNetworkError(error));
  });
});
