'use strict';
// Specifications of MediaProxy.trackVideo: which Media Collection events an HTML5 <video> produces, and when.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { MediaProxy, harness, FakeVideo, eventTypes } = require('./harness.cjs');

const sessionStart = {
  'analytics.trackingServer': 'example.sc.omtrdc.net', 'analytics.reportSuite': 'examplersid',
  'visitor.marketingCloudOrgId': 'ABC123@AdobeOrg', 'media.id': 'vod-42', 'media.contentType': 'VOD',
  'media.playerName': 'web-player', 'media.channel': 'movies',
};

function tracked(videoOptions, options = {}) {
  const video = new FakeVideo(videoOptions);
  const h = harness({ sessionStart, ...options, create: (settings) => MediaProxy.trackVideo(video, settings) });
  return { video, ...h, types: () => eventTypes(h.net.calls) };
}

describe('trackVideo', () => {
  test('the first play sends sessionStart, with media.length from video.duration, then play', async () => {
    const { video, playback, net, types } = tracked({ duration: 1800 });
    video.play();
    await playback.flush();
    assert.deepEqual(types(), ['sessionStart', 'play']);
    const start = net.calls[0].events[0];
    assert.deepEqual(start.params, { ...sessionStart, 'media.length': 1800 });
    assert.ok(start.playerTime.ts < net.calls[0].events[1].playerTime.ts);
  });

  test('a video already playing when tracking begins starts the session at once', async () => {
    const video = new FakeVideo({ duration: 300, currentTime: 4 });
    video.paused = false;
    const h = harness({ sessionStart, create: (settings) => MediaProxy.trackVideo(video, settings) });
    await h.playback.flush();
    assert.deepEqual(eventTypes(h.net.calls), ['sessionStart', 'play']);
    assert.equal(h.net.calls[0].events[0].playerTime.playhead, 4);
  });

  test('nothing is sent before the first play', async () => {
    const { video, playback, net, clock } = tracked();
    video.fire('loadedmetadata');
    video.fire('durationchange');
    video.pause();
    await clock.advance(30_000);
    await playback.flush();
    assert.equal(net.calls.length, 0);
    assert.equal(playback.pending, 0);
  });

  test('a media.length given in sessionStart is kept', async () => {
    const { video, playback, net } = tracked({ duration: 1800 }, { sessionStart: { ...sessionStart, 'media.length': 1799.5 } });
    video.play();
    await playback.flush();
    assert.equal(net.calls[0].events[0].params['media.length'], 1799.5);
  });

  test('a play before the duration is known waits for it: sessionStart goes first, with the length', async () => {
    const { video, playback, net, types } = tracked({ duration: NaN });
    video.paused = false;
    video.fire('play');
    video.fire('waiting');
    await playback.flush();
    assert.equal(net.calls.length, 0);
    video.duration = 600;
    video.fire('durationchange');
    video.fire('playing');
    await playback.flush();
    assert.deepEqual(types(), ['sessionStart', 'play']);
    assert.equal(net.calls[0].events[0].params['media.length'], 600);
  });

  test('a live stream (duration Infinity) is sent with media.length 86400, as Adobe asks', async () => {
    const { video, playback, net } = tracked({ duration: Infinity });
    video.play();
    await playback.flush();
    assert.equal(net.calls[0].events[0].params['media.length'], 86400);
  });

  test('pause sends pauseStart, and playing afterwards sends play', async () => {
    const { video, playback, types } = tracked();
    video.play();
    video.pause();
    video.play();
    await playback.flush();
    assert.deepEqual(types(), ['sessionStart', 'play', 'pauseStart', 'play']);
  });

  test('waiting sends bufferStart, and playing afterwards sends play', async () => {
    const { video, playback, types } = tracked();
    video.play();
    video.stall();
    video.stall();
    video.resume();
    await playback.flush();
    assert.deepEqual(types(), ['sessionStart', 'play', 'bufferStart', 'play']);
  });

  test('playing without a pause or a stall before sends nothing more', async () => {
    const { video, playback, types } = tracked();
    video.play();
    video.resume();
    await playback.flush();
    assert.deepEqual(types(), ['sessionStart', 'play']);
  });

  test('the playhead of each event is video.currentTime', async () => {
    const { video, playback, net } = tracked();
    video.play();
    video.currentTime = 42.5;
    video.pause();
    await playback.flush();
    assert.deepEqual(net.calls[0].events.map((e) => e.playerTime.playhead), [0, 0, 42.5]);
  });

  test('ended sends sessionComplete at once (no pauseStart for the pause the end brings), and nothing after', async () => {
    const { video, playback, net, clock, types } = tracked();
    video.play();
    await clock.advance(1_000);
    video.end();
    await clock.advance(0);
    assert.deepEqual(types(), ['sessionStart', 'play', 'sessionComplete']);
    assert.deepEqual(net.calls[1].events.map((e) => e.eventType), ['sessionComplete'], 'flushed without waiting');
    video.play();
    video.fire('ended');
    await clock.advance(60_000);
    assert.deepEqual(types(), ['sessionStart', 'play', 'sessionComplete']);
  });

  test('a ping every 10 s of wall time while the session is active, paused or not, none after the end', async () => {
    const { video, clock, types } = tracked();
    video.play();
    await clock.advance(10_000);
    video.pause();
    await clock.advance(10_000);
    await clock.advance(1_000); // the flush timer
    const before = types();
    assert.deepEqual(before, ['sessionStart', 'play', 'ping', 'pauseStart', 'ping']);
    video.play();
    video.end();
    await clock.advance(60_000);
    assert.deepEqual(types(), [...before, 'play', 'sessionComplete']);
  });

  test('a page hide mid-playback ends the playback: sessionEnd leaves with what is buffered, in one beacon', async () => {
    const { video, page, beaconBodies, clock, net } = tracked();
    video.play();
    page.pagehide();
    const bodies = await beaconBodies();
    assert.equal(bodies.length, 1);
    assert.deepEqual(bodies[0].events.map((e) => e.eventType), ['sessionStart', 'play', 'sessionEnd']);
    await clock.advance(60_000);
    assert.equal(net.calls.length, 0, 'no ping after the end');
  });

  test('a page hide after a delivered batch ends the playback with a beacon of its own', async () => {
    const { video, playback, page, beaconBodies, types } = tracked();
    video.play();
    await playback.flush();
    video.pause();
    page.pagehide();
    assert.deepEqual(types(), ['sessionStart', 'play']);
    assert.deepEqual((await beaconBodies()).flatMap((b) => b.events.map((e) => e.eventType)), ['pauseStart', 'sessionEnd']);
  });

  test('a page hide before the first play, or after sessionComplete, ends nothing', async () => {
    const before = tracked();
    before.page.pagehide();
    assert.deepEqual(await before.beaconBodies(), []);

    const after = tracked();
    after.video.play();
    after.video.end();
    await after.playback.flush();
    after.page.pagehide();
    assert.deepEqual(await after.beaconBodies(), []);
    assert.deepEqual(after.types(), ['sessionStart', 'play', 'sessionComplete']);
  });

  test('a page hide while a post is on its way sends the rest without sessionEnd (it could overtake the post)', async () => {
    const { video, net, page, clock, beaconBodies } = tracked();
    const release = net.hold();
    video.play();
    await clock.advance(1_000); // the first batch leaves and hangs
    video.pause();
    page.pagehide();
    assert.deepEqual((await beaconBodies()).flatMap((b) => b.events.map((e) => e.eventType)), ['pauseStart']);
    release();
  });

  test('the page only hidden (another tab) sends what is buffered and does not end the playback', async () => {
    const { video, page, beaconBodies, playback } = tracked();
    video.play();
    page.hide();
    assert.deepEqual((await beaconBodies()).flatMap((b) => b.events.map((e) => e.eventType)), ['sessionStart', 'play']);
    page.show();
    video.pause();
    assert.equal(playback.pending, 1, 'still tracking');
  });

  test('close stops listening to the page too', async () => {
    const { video, playback, page } = tracked();
    video.play();
    await playback.flush();
    playback.close();
    assert.equal(page.window.listeners, 0);
    assert.equal(page.document.listeners, 0);
  });

  test('close stops the pings and stops listening to the video', async () => {
    const { video, playback, clock, types } = tracked();
    video.play();
    await playback.flush();
    playback.close();
    assert.equal(video.listeners, 0);
    video.pause();
    await clock.advance(60_000);
    assert.deepEqual(types(), ['sessionStart', 'play']);
  });

  test('customMetadata given to trackVideo goes on the sessionStart', async () => {
    const { video, playback, net } = tracked({}, { customMetadata: { genre: 'animation' } });
    video.play();
    await playback.flush();
    assert.deepEqual(net.calls[0].events[0].customMetadata, { genre: 'animation' });
    assert.equal(net.calls[0].events[1].customMetadata, undefined);
  });
});
