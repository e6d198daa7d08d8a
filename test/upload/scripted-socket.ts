// This file is a scripted HTTP peer for the node:http transport: an Agent whose sockets are in-memory streams that
// read each request and answer as the script says, either once the body is in or as soon as the head is, the way
// Google's upload servers answer a 429, 503 or 401 before the body (the client's next write then fails: EPIPE).
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { Duplex } from 'node:stream';

export interface SeenHttp {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body bytes received before the answer (all of them for a turn answered at 'body'). */
  body: Buffer;
}

export interface RawAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

interface Turn {
  label: string;
  /** 'body': answer once the whole body arrived. 'head': answer at once, then fail the write that carried the head. */
  when: 'head' | 'body';
  check: (seen: SeenHttp) => void;
  answer: RawAnswer;
}

export class ScriptedPeer {
  readonly seen: SeenHttp[] = [];
  /** Checks that failed (thrown inside a socket, they are reported by assertDone). */
  readonly failures: unknown[] = [];
  private readonly turns: Turn[] = [];
  /** Give this to the transport (setRouting): every request gets a fresh socket that follows the script. */
  readonly agent: Agent;

  constructor() {
    this.agent = new Agent({ keepAlive: false });
    Object.assign(this.agent, { createConnection: () => new ScriptedSocket(this) });
  }

  expect(label: string, when: Turn['when'], check: Turn['check'], answer: RawAnswer): this {
    this.turns.push({ label, when, check, answer });
    return this;
  }

  /** The next turn, for a request whose head has arrived. */
  next(seen: SeenHttp): Turn {
    const turn = this.turns.shift();
    if (!turn)
      assert.fail(`unexpected request ${seen.method} ${seen.path} ${seen.headers['content-range'] ?? ''}`);
    this.seen.push(seen);
    return turn;
  }

  /** Fails the test if a check failed or a scripted request was never made. */
  assertDone(): void {
    if (this.failures.length > 0) throw this.failures[0];
    assert.deepEqual(
      this.turns.map((t) => t.label),
      [],
      'scripted requests that were never made',
    );
  }
}

/** One connection: parses one request and answers it as its turn says, then closes. */
class ScriptedSocket extends Duplex {
  private received = Buffer.alloc(0);
  private seen: SeenHttp | undefined;
  private turn: Turn | undefined;
  private length = 0;
  private answered = false;

  constructor(private readonly peer: ScriptedPeer) {
    super();
  }

  // What node:http calls on a socket besides reading and writing.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.answered) {
      // Answered early: the server is gone. Answered after the body: what follows (an empty write) is taken.
      done(this.turn!.when === 'head' ? epipe() : null);
      return;
    }
    this.received = Buffer.concat([this.received, chunk]);
    if (!this.seen) this.readHead();
    if (!this.seen || !this.turn) {
      done();
      return;
    }
    this.seen.body = this.received;
    if (this.turn.when === 'head') {
      this.answer();
      // The write that carried the head fails once the answer is on its way (a tick later, as a socket's error
      // comes after the data it received): the order a server that answers before the body produces.
      process.nextTick(() => done(epipe()));
      return;
    }
    if (this.received.length >= this.length) this.answer();
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    if (this.seen && this.turn && !this.answered) this.answer();
    done();
  }

  private readHead(): void {
    const end = this.received.indexOf('\r\n\r\n');
    if (end < 0) return;
    const [line = '', ...fields] = this.received.subarray(0, end).toString('latin1').split('\r\n');
    const [method = '', path = ''] = line.split(' ');
    const headers: Record<string, string> = {};
    for (const field of fields) {
      const colon = field.indexOf(':');
      headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
    }
    this.received = this.received.subarray(end + 4);
    this.length = Number(headers['content-length'] ?? 0);
    this.seen = { method, path, headers, body: Buffer.alloc(0) };
    this.turn = this.peer.next(this.seen);
  }

  private answer(): void {
    this.answered = true;
    try {
      this.turn!.check(this.seen!);
    } catch (error) {
      this.peer.failures.push(error);
    }
    const { status, headers = {}, body = '' } = this.turn!.answer;
    const head = [`HTTP/1.1 ${status} X`, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'];
    for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
    this.push(`${head.join('\r\n')}\r\n\r\n${body}`);
    this.push(null);
  }
}

function epipe(): Error {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' });
}
