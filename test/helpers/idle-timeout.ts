// This file shortens the idle timeout of vupload's HTTP requests made in this process, for tests of a stalled server:
// the socket's idle timer is the one clock a command cannot be handed, and waiting out 60 s is not a test.
import http from 'node:http';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../../src/upload/transport.js';

/** Until the returned function is called, a request given the default idle timeout gets `ms` instead. */
export function shortenIdleTimeout(ms: number): () => void {
  const proto = http.ClientRequest.prototype;
  const original = proto.setTimeout;
  proto.setTimeout = function setTimeout(this: http.ClientRequest, timeout: number, callback?: () => void) {
    return original.call(this, timeout === DEFAULT_IDLE_TIMEOUT_MS ? ms : timeout, callback);
  };
  return () => {
    proto.setTimeout = original;
  };
}
