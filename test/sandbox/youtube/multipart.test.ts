// This file tests the streaming multipart/related parser on awkward chunkings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundaryOf, type MultipartEvent, parseMultipart } from '../../../src/sandbox/multipart.js';

async function collect(
  body: Buffer,
  boundary: string,
  step: number,
): Promise<Array<{ headers: Record<string, string>; data: Buffer }>> {
  async function* chunks() {
    for (let i = 0; i < body.length; i += step) yield body.subarray(i, i + step);
  }
  const parts: Array<{ headers: Record<string, string>; data: Buffer }> = [];
  let ended = false;
  for await (const ev of parseMultipart(chunks(), boundary) as AsyncGenerator<MultipartEvent>) {
    if (ev.type === 'part') parts.push({ headers: ev.headers, data: Buffer.alloc(0) });
    else if (ev.type === 'data') parts.at(-1)!.data = Buffer.concat([parts.at(-1)!.data, ev.data]);
    else ended = true;
  }
  assert.ok(ended);
  return parts;
}

describe('parseMultipart', () => {
  const media = Buffer.from('\r\n--not-the-boundary\r\n binary \x00\xff data \r\n--b');
  const body = Buffer.concat([
    Buffer.from(
      '--BOUND\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n--BOUND\r\nContent-Type: video/mp4\r\n\r\n',
    ),
    media,
    Buffer.from('\r\n--BOUND--\r\n'),
  ]);

  for (const step of [1, 3, 7, 64, 10_000]) {
    test(`splits parts correctly when the body arrives in ${step}-byte pieces`, async () => {
      const parts = await collect(body, 'BOUND', step);
      assert.equal(parts.length, 2);
      assert.equal(parts[0]!.headers['content-type'], 'application/json');
      assert.equal(parts[0]!.data.toString(), '{"a":1}');
      assert.deepEqual(parts[1]!.data, media);
    });
  }

  test('a body without its closing boundary is an error', async () => {
    await assert.rejects(collect(body.subarray(0, body.length - 12), 'BOUND', 50), /closing boundary/);
  });

  test('boundaryOf reads quoted and bare boundaries', () => {
    assert.equal(boundaryOf('multipart/related; boundary="a b"'), 'a b');
    assert.equal(boundaryOf('multipart/related; boundary=xyz; charset=x'), 'xyz');
    assert.equal(boundaryOf('application/json'), undefined);
  });
});
