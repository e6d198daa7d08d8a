// This file tests simulated processing: progress over processingMs, success, invalid files, forced outcomes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { sniffContainer } from '../../../src/sandbox/media.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { fixture } from '../../helpers/paths.js';
import { bearer, manualClock, request, startSession, statusQuery, uploadVideo } from '../http.js';

describe('sandbox processing simulation', () => {
  let sb: Sandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startSandbox({ now: clock.now, processingMs: 10_000, dailyQuota: 1e9 });
    token = sb.mintToken({ ttlSec: 10 ** 6 }).access_token;
  });
  after(() => sb.close());

  const look = async (id: string) =>
    (
      await request(`${sb.url}/youtube/v3/videos?part=status,processingDetails&id=${id}`, {
        headers: bearer(token),
      })
    ).json().items[0];

  test('a real mp4 goes from processing with advancing progress to succeeded and processed', async () => {
    const v = await uploadVideo(sb, token, readFileSync(fixture('sample.mp4')));
    let now = await look(v.id);
    assert.equal(now.status.uploadStatus, 'uploaded');
    assert.equal(now.processingDetails.processingStatus, 'processing');
    const p0 = now.processingDetails.processingProgress;
    assert.equal(p0.partsTotal, '1000');
    assert.equal(p0.partsProcessed, '0');
    assert.equal(p0.timeLeftMs, '10000');
    clock.advance(4000);
    now = await look(v.id);
    assert.equal(now.processingDetails.processingProgress.partsProcessed, '400');
    assert.equal(now.processingDetails.processingProgress.timeLeftMs, '6000');
    clock.advance(6000);
    now = await look(v.id);
    assert.equal(now.status.uploadStatus, 'processed');
    assert.equal(now.processingDetails.processingStatus, 'succeeded');
    assert.equal(now.processingDetails.processingProgress, undefined);
  });

  test('bytes that are no video container end as failed with invalidFile', async () => {
    const v = await uploadVideo(sb, token, readFileSync(fixture('not-a-video.bin')));
    assert.equal((await look(v.id)).processingDetails.processingStatus, 'processing');
    clock.advance(10_000);
    const now = await look(v.id);
    assert.equal(now.status.uploadStatus, 'failed');
    assert.equal(now.status.failureReason, 'invalidFile');
    assert.equal(now.processingDetails.processingStatus, 'failed');
  });

  test('a WebM is recognised and an empty upload fails with emptyFile', async () => {
    const webm = await uploadVideo(sb, token, readFileSync(fixture('sample.webm')));
    const uri = await startSession(sb, token);
    const empty = (await statusQuery(uri, 0)).json();
    clock.advance(10_000);
    assert.equal((await look(webm.id)).status.uploadStatus, 'processed');
    assert.equal((sb.video(webm.id)!.fileDetails as { container: string }).container, 'webm');
    assert.equal((await look(empty.id)).status.failureReason, 'emptyFile');
  });

  test('setProcessingOutcome forces rejection, for a video or for the next upload', async () => {
    const v = await uploadVideo(sb, token, readFileSync(fixture('sample.mp4')));
    sb.setProcessingOutcome(v.id, { kind: 'rejected', rejectionReason: 'copyright' });
    sb.setProcessingOutcome('next', { kind: 'failed', failureReason: 'codec' });
    const next = await uploadVideo(sb, token, readFileSync(fixture('sample.mp4')));
    const after = await uploadVideo(sb, token, readFileSync(fixture('sample.mp4')));
    clock.advance(10_000);
    const rejected = await look(v.id);
    assert.equal(rejected.status.uploadStatus, 'rejected');
    assert.equal(rejected.status.rejectionReason, 'copyright');
    assert.equal((await look(next.id)).status.failureReason, 'codec');
    assert.equal((await look(after.id)).status.uploadStatus, 'processed');
    assert.throws(() => sb.setProcessingOutcome('nosuchvideo', { kind: 'succeeded' }));
  });

  test('sniffContainer knows the containers YouTube accepts', () => {
    const at4 = (s: string, brand: string) => Buffer.concat([Buffer.alloc(4), Buffer.from(s + brand)]);
    assert.equal(sniffContainer(at4('ftyp', 'isom')), 'mp4');
    assert.equal(sniffContainer(at4('ftyp', 'qt  ')), 'mov');
    assert.equal(sniffContainer(at4('ftyp', '3gp4')), '3gp');
    assert.equal(sniffContainer(Buffer.from('1a45dfa3', 'hex')), 'mkv');
    assert.equal(sniffContainer(Buffer.from('RIFF0000AVI LIST')), 'avi');
    assert.equal(sniffContainer(Buffer.from('FLV\x01')), 'flv');
    assert.equal(sniffContainer(Buffer.from('3026b2758e66cf11', 'hex')), 'asf');
    assert.equal(sniffContainer(Buffer.from('000001ba', 'hex')), 'mpegps');
    const ts = Buffer.alloc(400);
    ts[0] = ts[188] = ts[376] = 0x47;
    assert.equal(sniffContainer(ts), 'mpegts');
    assert.equal(sniffContainer(Buffer.from('GIF89a')), undefined);
    assert.equal(sniffContainer(readFileSync(fixture('not-a-video.bin')).subarray(0, 512)), undefined);
  });
});
