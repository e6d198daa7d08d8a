// This file starts real local proxies for tests: an HTTP proxy (the `proxy` package, as used by the proxy-agent
// libraries' own tests) and a SOCKS5 server (@pondwader/socks5-server), each keeping its own log of what it carried.
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Server, type Socket } from 'node:net';
import { createServer as createSocksServer } from '@pondwader/socks5-server';
import { createProxy } from 'proxy';

export interface TestProxy {
  url: string;
  /**
   * `CONNECT host:port` per tunnel, and the request line (`PUT /path?query HTTP/1.1`) of every HTTP request that
   * went through a tunnel (the sandbox speaks plain HTTP, so the lines can be read off the stream), plus
   * `METHOD absolute-URL` of requests forwarded without a tunnel.
   */
  log: string[];
  /** Proxy-Authorization failures (HTTP) or refused logins (SOCKS). */
  refused: number;
  close(): Promise<void>;
}

/** Adds the request line of every HTTP request in a tunnel's client-to-server bytes to `log`. */
function sniff(socket: Socket, log: string[]): void {
  let tail = '';
  socket.on('data', (data: Buffer) => {
    // A request follows the previous one's body directly, so its line is looked for anywhere in the stream.
    const text = tail + data.toString('latin1');
    for (const m of text.matchAll(/((?:GET|POST|PUT|DELETE|PATCH) \/\S* HTTP\/1\.1)\r\n/g)) {
      // A line wholly inside the carried-over tail was counted with the previous piece.
      if (m.index + m[0].length > tail.length) log.push(m[1]!);
    }
    tail = text.slice(-2048);
  });
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );

/** An HTTP proxy on 127.0.0.1; with `auth` it answers 407 unless Proxy-Authorization carries it. */
export async function startHttpProxy(auth?: { user: string; password: string }): Promise<TestProxy> {
  const server = createProxy(createHttpServer());
  const proxy: TestProxy = { url: '', log: [], refused: 0, close: async () => {} };
  server.on('request', (req: IncomingMessage) => proxy.log.push(`${req.method} ${req.url}`));
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    proxy.log.push(`CONNECT ${req.url}`);
    sniff(socket, proxy.log);
  });
  if (auth) {
    const expected = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
    server.authenticate = (req) => {
      const ok = req.headers['proxy-authorization'] === expected;
      if (!ok) proxy.refused++;
      return ok;
    };
  }
  const port = await listen(server);
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return proxy;
}

/** A SOCKS5 server on 127.0.0.1; with `auth` it refuses other logins. */
export async function startSocksProxy(auth?: { user: string; password: string }): Promise<TestProxy> {
  const server = createSocksServer();
  const proxy: TestProxy = { url: '', log: [], refused: 0, close: async () => {} };
  if (auth) {
    server.setAuthHandler((conn) => {
      const ok = conn.username === auth.user && conn.password === auth.password;
      if (!ok) proxy.refused++;
      return ok;
    });
  }
  const sockets = new Set<Socket>();
  server.setConnectionHandler((conn, sendStatus) => {
    proxy.log.push(`CONNECT ${conn.destAddress}:${conn.destPort}`);
    const target = connect(conn.destPort, conn.destAddress, () => {
      sendStatus('REQUEST_GRANTED');
      sniff(conn.socket as Socket, proxy.log);
      conn.socket.pipe(target).pipe(conn.socket);
    });
    sockets.add(target);
    target.on('close', () => sockets.delete(target));
    target.on('error', () => {
      sendStatus('HOST_UNREACHABLE');
      conn.socket.destroy();
    });
    conn.socket.on('error', () => target.destroy());
    conn.socket.on('close', () => target.destroy());
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = (server as unknown as { server: Server }).server.address() as AddressInfo;
      resolve(address.port);
    });
  });
  proxy.url = `socks5://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise((done) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => done());
    });
  return proxy;
}
