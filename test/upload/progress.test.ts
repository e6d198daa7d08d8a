// This file tests progress events: throttling, the measured rate and the ETA, on a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressTracker, type UploadProgress } from '../../src/upload/index.js';
import { FakeClock } from './fake-transport.js';

test('progress events are throttled to the interval, and flush always emits', () => {
  const clock = new FakeClock();
  const events: UploadProgress[] = [];
  const tracker = new ProgressTracker(1000, clock, 100, (p) => events.push(p));
  tracker.addSent(10);
  tracker.addSent(10);
  tracker.addSent(10);
  assert.equal(events.length, 1, 'three pieces at the same instant give one event');
  clock.time += 100;
  tracker.addSent(10);
  assert.equal(events.length, 2);
  tracker.flush();
  assert.equal(events.length, 3);
  assert.equal(events[2]!.sent, 40);
  assert.equal(events[2]!.bytesOnWire, 40);
});

test('rate is measured over the recent window and gives an ETA for what is left', () => {
  const clock = new FakeClock();
  const tracker = new ProgressTracker(10_000, clock, 100);
  tracker.snapshot();
  for (let i = 0; i < 10; i++) {
    clock.time += 100;
    tracker.addSent(100); // 1000 bytes per second
  }
  const p = tracker.snapshot();
  assert.equal(p.sent, 1000);
  assert.ok(Math.abs(p.rate - 1000) < 1, `rate ${p.rate}`);
  assert.ok(Math.abs(p.etaSeconds! - 9) < 0.01, `eta ${p.etaSeconds}`);
});

test('a resend moves sent back to the confirmed offset but keeps counting bytes on the wire', () => {
  const clock = new FakeClock();
  const tracker = new ProgressTracker(1000, clock, 100);
  tracker.addSent(600);
  tracker.setConfirmed(200);
  tracker.addSent(100);
  const p = tracker.snapshot();
  assert.equal(p.confirmed, 200);
  assert.equal(p.sent, 300);
  assert.equal(p.bytesOnWire, 700);
  assert.equal(p.etaSeconds, undefined, 'no rate measured yet, no ETA');
});
