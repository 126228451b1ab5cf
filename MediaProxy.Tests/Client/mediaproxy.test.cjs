'use strict';
// Specifications of the browser client's createPlayback: batching, playerTime, delivery, retries, page hide.
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { MediaProxy, KEY, START, harness, accepted, problem } = require('./harness.cjs');

const sessionStartParams = {
  'media.id': 'vod-42', 'media.length': 1800, 'media.contentType': 'VOD', 'media.playerName': 'web-player',
  'media.channel': 'movies',
};

describe('createPlayback: the playback key', () => {
  test('without a key, the playback makes up a UUID that the proxy accepts', () => {
    const { playback } = harness({ playbackKey: undefined });
    assert.match(playback.key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(playback.key, /^[A-Za-z0-9_-]{16,128}$/);
  });

  test('a key the proxy would refuse is refused at once, when the playback is created', () => {
    assert.throws(() => harness({ playbackKey: 'too-short' }), TypeError);
    assert.throws(() => harness({ playbackKey: 'has spaces in it 0123456789' }), TypeError);
  });

  test('events are posted to {baseUrl}/v1/playbacks/{key}/events as a JSON array with keepalive', async () => {
    const { playback, net } = harness({ baseUrl: 'https://proxy.example/', maxBatch: 1 });
    playback.track('play');
    await playback.flush();
    assert.equal(net.calls.length, 1);
    const { url, init, headers, events } = net.calls[0];
    assert.equal(url, `https://proxy.example/v1/playbacks/${KEY}/events`);
    assert.equal(init.method, 'POST');
    assert.equal(init.keepalive, true);
    assert.equal(headers['Content-Type'], 'application/json');
    assert.ok(Array.isArray(events));
    assert.equal(headers['X-Api-Key'], undefined);
  });

  test('an apiKey is sent as X-Api-Key', async () => {
    const { playback, net } = harness({ apiKey: 'player-secret' });
    playback.track('play');
    await playback.flush();
    assert.equal(net.calls[0].headers['X-Api-Key'], 'player-secret');
  });
});

describe('track: the event and its playerTime', () => {
  test('track fills playerTime from the playhead callback and the clock, and keeps params and extras', async () => {
    let playhead = 12.5;
    const { playback, net } = harness({ playhead: () => playhead });
    playback.track('sessionStart', sessionStartParams, { customMetadata: { genre: 'animation' }, qoeData: { 'media.qoe.bitrate': 3000 } });
    playhead = 13;
    playback.track('play');
    await playback.flush();
    const [start, play] = net.calls[0].events;
    assert.deepEqual(start, {
      playerTime: { playhead: 12.5, ts: START }, eventType: 'sessionStart', params: sessionStartParams,
      customMetadata: { genre: 'animation' }, qoeData: { 'media.qoe.bitrate': 3000 },
    });
    assert.deepEqual(play, { playerTime: { playhead: 13, ts: START + 1 }, eventType: 'play' });
  });

  test('the event is taken as it was at track(): later changes to the caller\'s objects are not sent', async () => {
    const { playback, net } = harness();
    const params = { 'media.id': 'a' };
    const qoe = { 'media.qoe.bitrate': 1 };
    playback.track('play', params, { qoeData: qoe });
    params['media.id'] = 'b';
    qoe['media.qoe.bitrate'] = 2;
    await playback.flush();
    assert.deepEqual(net.calls[0].events[0].params, { 'media.id': 'a' });
    assert.deepEqual(net.calls[0].events[0].qoeData, { 'media.qoe.bitrate': 1 });
  });

  test('a playhead callback that throws is sent as 0, loudly, and the event still goes', async () => {
    const { playback, net, errors } = harness({ playhead: () => { throw new Error('no player'); } });
    assert.equal(playback.track('ping'), true);
    await playback.flush();
    assert.equal(net.calls[0].events[0].playerTime.playhead, 0);
    assert.match(errors[0][0], /playhead callback threw/);
  });

  test('track_clockStandsStill_tsStillIncreases by one millisecond per event', async () => {
    const { playback, net } = harness();
    for (let i = 0; i < 5; i++) playback.track('ping');
    await playback.flush();
    assert.deepEqual(net.calls[0].events.map((e) => e.playerTime.ts), [START, START + 1, START + 2, START + 3, START + 4]);
  });

  test('track_clockGoesBack_tsStillIncreases, and follows the clock again once it has caught up', async () => {
    const { playback, net, clock } = harness();
    playback.track('play');
    clock.set(START - 60_000);
    playback.track('pauseStart');
    clock.set(START + 5_000);
    playback.track('play');
    await playback.flush();
    assert.deepEqual(net.calls[0].events.map((e) => e.playerTime.ts), [START, START + 1, START + 5_000]);
  });

  test('a playhead that is not a number of seconds, or negative, is sent as 0 (the proxy refuses it otherwise)', async () => {
    const values = [NaN, -3, undefined, Infinity, 7.25];
    const { playback, net } = harness({ playhead: () => values.shift() });
    for (let i = 0; i < 5; i++) playback.track('ping');
    await playback.flush();
    assert.deepEqual(net.calls[0].events.map((e) => e.playerTime.playhead), [0, 0, 0, 0, 7.25]);
  });

  test('an event the proxy would refuse is dropped loudly, so it cannot take its batch down with it', async () => {
    const { playback, net, errors } = harness();
    assert.equal(playback.track('plya'), false);
    assert.equal(playback.track('play', {}, { customMetadata: { a: 'b' } }), false);
    assert.equal(playback.track('sessionStart', { 'media.id': 'x' }), false);
    assert.equal(playback.track('stateStart', {}), false);
    assert.equal(playback.track('play'), true);
    await playback.flush();
    assert.equal(errors.length, 4);
    assert.match(errors[0][0], /unknown eventType "plya"/);
    assert.match(errors[2][0], /media\.length/);
    assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['play']);
  });

  const refused = [
    ['a param of the wrong kind', 'sessionStart', { ...sessionStartParams, 'media.length': '1800' }, undefined, /media\.length of sessionStart must be a number/],
    ['a non-integer where an integer is required', 'adBreakStart', { 'media.ad.podIndex': 0.5, 'media.ad.podSecond': 0 }, undefined, /podIndex/],
    ['a param that is an object', 'play', { nested: { a: 1 } }, undefined, /nested must be a string, a number or a boolean/],
    ['media.resume that is not a boolean', 'sessionStart', { ...sessionStartParams, 'media.resume': 'true' }, undefined, /media\.resume must be true or false/],
    ['customMetadata with a bad key', 'sessionStart', sessionStartParams, { customMetadata: { 'a b': 'x' } }, /customMetadata\.a b/],
    ['customMetadata with the reserved a. prefix', 'sessionStart', sessionStartParams, { customMetadata: { 'a.media.name': 'x' } }, /customMetadata\.a\.media\.name/],
    ['customMetadata with a number', 'adStart', { 'media.ad.podPosition': 1, 'media.ad.id': 'a', 'media.ad.length': 15, 'media.ad.playerName': 'p' }, { customMetadata: { n: 1 } }, /customMetadata\.n/],
    ['qoeData with a fraction', 'play', {}, { qoeData: { 'media.qoe.bitrate': 1.5 } }, /qoeData\.media\.qoe\.bitrate must be an integer/],
  ];
  for (const [what, type, params, extra, message] of refused) {
    test(`${what} is refused at track() with a console.error naming it`, async () => {
      const { playback, net, errors } = harness();
      assert.equal(playback.track(type, params, extra), false);
      playback.track('ping');
      await playback.flush();
      assert.match(errors[0][0], message);
      assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['ping']);
    });
  }

  test('nothing is tracked after sessionEnd: the proxy would refuse it, and in the same post the sessionEnd too', async () => {
    const { playback, net, errors } = harness();
    playback.track('play');
    playback.track('sessionEnd');
    assert.equal(playback.track('ping'), false);
    await playback.flush();
    assert.match(errors[0][0], /after sessionEnd/);
    assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['play', 'sessionEnd']);
  });

  test('sessionComplete leaves the session open: a final ping and the sessionEnd still go', async () => {
    const { playback, net, errors } = harness();
    playback.track('play');
    playback.track('sessionComplete');
    assert.equal(playback.track('ping'), true);
    assert.equal(playback.track('sessionEnd'), true);
    await playback.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['play', 'sessionComplete', 'ping', 'sessionEnd']);
  });

  test('what Adobe documents is sent: error without params, adStart without media.ad.playerName, customerIDs, statesUpdate', async () => {
    const { playback, net, errors } = harness();
    assert.equal(playback.track('error'), true);
    assert.equal(playback.track('adStart', { 'media.ad.id': 'ad-2125', 'media.ad.length': 15, 'media.ad.podPosition': 0 }), true);
    assert.equal(playback.track('sessionStart', { ...sessionStartParams, 'visitor.customerIDs': { crm: { id: '42', authState: 1 } } }), true);
    assert.equal(playback.track('statesUpdate', { statesStart: [{ 'media.state.name': 'mute' }] }), true);
    assert.equal(playback.track('ping', {}, { customMetadata: {} }), true);
    await playback.flush();
    assert.equal(errors.length, 0);
    assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['error', 'adStart', 'sessionStart', 'statesUpdate', 'ping']);
  });

  test('sessionStart without the tracking params the proxy may own is sent: the proxy judges those', async () => {
    const { playback, net, errors } = harness();
    assert.equal(playback.track('sessionStart', sessionStartParams), true);
    await playback.flush();
    assert.equal(errors.length, 0);
    assert.equal(net.calls[0].events[0].eventType, 'sessionStart');
  });
});

describe('batching', () => {
  test('a batch leaves as soon as maxBatch events are buffered, without waiting for the timer', async () => {
    const { playback, net, clock } = harness({ maxBatch: 3 });
    playback.track('play');
    playback.track('ping');
    await clock.advance(0);
    assert.equal(net.calls.length, 0);
    playback.track('ping');
    await clock.advance(0);
    assert.equal(net.calls.length, 1);
    assert.equal(net.calls[0].events.length, 3);
  });

  test('fewer than maxBatch events leave after flushIntervalMs', async () => {
    const { playback, net, clock } = harness({ flushIntervalMs: 1000 });
    playback.track('play');
    await clock.advance(500);
    playback.track('ping');
    await clock.advance(499);
    assert.equal(net.calls.length, 0, 'the timer runs from the first buffered event');
    await clock.advance(1);
    assert.equal(net.calls.length, 1);
    assert.deepEqual(net.calls[0].events.map((e) => e.eventType), ['play', 'ping']);
  });

  test('maxBatch above the proxy limit of 100 events per post is held to 100', async () => {
    const { playback, net } = harness({ maxBatch: 500 });
    for (let i = 0; i < 250; i++) playback.track('ping');
    await playback.flush();
    assert.deepEqual(net.calls.map((c) => c.events.length), [100, 100, 50]);
  });

  test('batches stay below the 64 KiB keepalive limit however large the events are', async () => {
    const { playback, net } = harness({ maxBatch: 100 });
    const big = 'x'.repeat(9_000);
    for (let i = 0; i < 20; i++) playback.track('chapterStart', chapterParams(i), { customMetadata: { note: big } });
    await playback.flush();
    assert.ok(net.calls.length >= 3, `${net.calls.length} posts`);
    for (const call of net.calls) {
      assert.ok(Buffer.byteLength(call.init.body) < 60_000, `${Buffer.byteLength(call.init.body)} bytes`);
      assert.equal(call.init.keepalive, true);
    }
    assert.equal(net.calls.flatMap((c) => c.events).length, 20);
  });

  test('a single event too large for keepalive is posted without it (the browser would refuse the request)', async () => {
    const { playback, net } = harness();
    playback.track('play');
    playback.track('chapterStart', chapterParams(0), { customMetadata: { note: 'x'.repeat(70_000) } });
    await playback.flush();
    assert.deepEqual(net.calls.map((c) => c.init.keepalive), [true, false]);
    assert.equal(net.calls[1].events[0].eventType, 'chapterStart');
  });

  test('pending counts buffered and in-flight events; flush resolves once they are delivered', async () => {
    const { playback, net } = harness();
    const release = net.hold();
    playback.track('play');
    playback.track('ping');
    assert.equal(playback.pending, 2);
    let flushed = false;
    const flushing = playback.flush().then(() => { flushed = true; });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(playback.pending, 2, 'in flight still counts');
    assert.equal(flushed, false);
    release(accepted(2));
    await flushing;
    assert.equal(playback.pending, 0);
  });

  test('onSent gets the response and the events of each delivered batch', async () => {
    const { playback, sent } = harness();
    playback.track('play');
    await playback.flush();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].response.status, 202);
    assert.deepEqual(sent[0].events.map((e) => e.eventType), ['play']);
  });
});

describe('delivery: order and idempotency', () => {
  test('a second batch waits until the first is answered: batches never overtake each other', async () => {
    const { playback, net, clock } = harness({ maxBatch: 1 });
    const release = net.hold();
    playback.track('play');
    playback.track('pauseStart');
    playback.track('play');
    await clock.advance(5_000);
    assert.equal(net.calls.length, 1, 'one request in flight at a time');
    release();
    await clock.advance(0);
    assert.deepEqual(net.calls.map((c) => c.events[0].eventType), ['play', 'pauseStart', 'play']);
  });

  test('a batch waiting out a backoff holds back the later ones too', async () => {
    const { playback, net, clock } = harness({ maxBatch: 1 });
    net.answer(problem(503, 'busy', { 'Retry-After': '2' }));
    playback.track('play');
    await clock.advance(0);
    playback.track('pauseStart');
    await clock.advance(1_999);
    assert.deepEqual(net.calls.map((c) => c.events[0].eventType), ['play']);
    await clock.advance(1);
    assert.deepEqual(net.calls.map((c) => c.events[0].eventType), ['play', 'play', 'pauseStart']);
  });

  test('every retry of a batch carries the same Idempotency-Key, and the next batch a new one', async () => {
    const { playback, net, clock } = harness({ maxBatch: 1 });
    net.answer(new TypeError('Failed to fetch'), problem(503, 'busy'));
    playback.track('play');
    playback.track('ping');
    await clock.advance(60_000);
    assert.equal(net.calls.length, 4);
    const keys = net.calls.map((c) => c.headers['Idempotency-Key']);
    assert.equal(keys[0], keys[1]);
    assert.equal(keys[1], keys[2]);
    assert.notEqual(keys[3], keys[0]);
    for (const key of keys) assert.match(key, /^[\x21-\x7e]{1,256}$/);
  });

  test('events tracked while a batch is in flight leave in the next batch, not in the one being retried', async () => {
    const { playback, net, clock } = harness();
    net.answer(new TypeError('Failed to fetch'));
    playback.track('play');
    await clock.advance(1_000);
    playback.track('ping');
    await clock.advance(60_000);
    assert.deepEqual(net.calls.map((c) => c.events.map((e) => e.eventType)), [['play'], ['play'], ['ping']]);
  });
});

describe('delivery: retries and giving up', () => {
  test('a network error is retried with exponential backoff and jitter', async () => {
    const { playback, net, clock, sent } = harness({ baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.5 });
    net.answer(new TypeError('Failed to fetch'), new TypeError('Failed to fetch'), new TypeError('Failed to fetch'));
    playback.track('play');
    await clock.advance(1_000);
    assert.equal(net.calls.length, 1);
    // Half of each ceiling (500, 1000, 2000 ms) is fixed, the other half random (0.5 here): 375, 750, 1500 ms.
    assert.deepEqual(clock.pending(), [375]);
    await clock.advance(375);
    assert.equal(net.calls.length, 2);
    assert.deepEqual(clock.pending(), [750]);
    await clock.advance(750);
    assert.deepEqual(clock.pending(), [1500]);
    await clock.advance(1500);
    assert.equal(net.calls.length, 4);
    assert.equal(sent.length, 1);
  });

  test('the backoff never exceeds maxDelayMs, and jitter spreads it below the ceiling', async () => {
    const randoms = [0, 1, 0.5, 0.5, 0.5, 0.5];
    const { playback, net, clock } = harness({ maxBatch: 1, baseDelayMs: 1_000, maxDelayMs: 3_000, random: () => randoms.shift() });
    net.answer(...Array.from({ length: 6 }, () => new TypeError('offline')));
    playback.track('play');
    const delays = [];
    for (let i = 0; i < 5; i++) {
      await clock.advance(0);
      delays.push(clock.pending()[0]);
      await clock.advance(delays[i]);
    }
    assert.deepEqual(delays, [500, 2_000, 2_250, 2_250, 2_250]);
  });

  test('a 429 is retried after its Retry-After seconds, not before', async () => {
    const { playback, net, clock, sent } = harness();
    net.answer(problem(429, 'The playback queue is full.', { 'Retry-After': '7' }));
    playback.track('play');
    await clock.advance(1_000);
    assert.equal(net.calls.length, 1);
    await clock.advance(6_999);
    assert.equal(net.calls.length, 1);
    await clock.advance(1);
    assert.equal(net.calls.length, 2);
    assert.equal(sent.length, 1);
  });

  test('a 503 is retried (with backoff when it has no Retry-After)', async () => {
    const { playback, net, clock, sent, givenUp } = harness();
    net.answer(problem(503, 'Shutting down'), problem(503, 'Shutting down'));
    playback.track('play');
    await clock.advance(10_000);
    assert.equal(net.calls.length, 3);
    assert.equal(sent.length, 1);
    assert.equal(givenUp.length, 0);
  });

  test('after maxAttempts failures the batch is given up loudly, and the later batches go on', async () => {
    const { playback, net, clock, errors, givenUp, sent } = harness({ maxAttempts: 3, maxBatch: 1 });
    net.answer(problem(503, 'busy'), new TypeError('Failed to fetch'), problem(503, 'busy', { 'Retry-After': '1' }));
    playback.track('play');
    playback.track('ping');
    await clock.advance(60_000);
    assert.equal(net.calls.length, 4);
    assert.equal(givenUp.length, 1);
    assert.deepEqual(givenUp[0].events.map((e) => e.eventType), ['play']);
    assert.equal(givenUp[0].error.status, 503);
    assert.equal(givenUp[0].error.attempts, 3);
    assert.match(givenUp[0].error.message, /gave up on 1 event\(s\).*after 3 attempt/);
    assert.equal(errors.length, 1, 'console.error once');
    assert.deepEqual(sent.map((s) => s.events[0].eventType), ['ping']);
    assert.equal(playback.pending, 0);
  });

  test('a 400 is given up at once, with the problem the proxy answered', async () => {
    const { playback, net, clock, errors, givenUp, sent } = harness({ maxBatch: 1 });
    net.answer(new Response(JSON.stringify({ title: 'The body is not a valid event or array of events.', errors: { '[0].params': ['bad'] } }),
      { status: 400, headers: { 'Content-Type': 'application/problem+json' } }));
    playback.track('play');
    playback.track('ping');
    await clock.advance(60_000);
    assert.equal(net.calls.length, 2, 'no retry of the refused batch');
    assert.equal(givenUp.length, 1);
    assert.equal(givenUp[0].error.status, 400);
    assert.equal(givenUp[0].error.attempts, 1);
    assert.deepEqual(givenUp[0].error.problem.errors, { '[0].params': ['bad'] });
    assert.equal(errors.length, 1);
    assert.equal(sent.length, 1);
  });

  for (const status of [408, 500, 502, 504]) {
    test(`a ${status} is retried`, async () => {
      const { playback, net, clock, sent } = harness();
      net.answer(problem(status, 'not now'));
      playback.track('play');
      await clock.advance(60_000);
      assert.equal(net.calls.length, 2);
      assert.equal(sent.length, 1);
    });
  }

  test('a Retry-After given as an HTTP date is waited out until that date', async () => {
    const { playback, net, clock } = harness({ maxBatch: 1 });
    net.answer(() => problem(503, 'busy', { 'Retry-After': new Date(clock.now() + 20_000).toUTCString() }));
    playback.track('play');
    await clock.advance(19_000);
    assert.equal(net.calls.length, 1);
    await clock.advance(1_000);
    assert.equal(net.calls.length, 2);
  });

  for (const status of [401, 409, 413, 415]) {
    test(`a ${status} is given up at once`, async () => {
      const { playback, net, clock, givenUp } = harness();
      net.answer(problem(status, 'no'));
      playback.track('play');
      await clock.advance(60_000);
      assert.equal(net.calls.length, 1);
      assert.equal(givenUp[0].error.status, status);
    });
  }

  test('a callback that throws does not stop delivery', async () => {
    const { playback, net, errors } = harness({ maxBatch: 1, onSent: () => { throw new Error('oops'); } });
    playback.track('play');
    playback.track('ping');
    await playback.flush();
    assert.equal(net.calls.length, 2);
    assert.match(errors[0][0], /callback threw/);
  });
});

describe('page hide', () => {
  test('on pagehide everything buffered leaves at once by sendBeacon, idempotency key in the query', async () => {
    const h = harness();
    h.playback.track('play');
    h.playback.track('ping');
    h.page.pagehide();
    const [beacon, ...more] = await h.beaconBodies();
    assert.equal(more.length, 0);
    assert.match(beacon.url, new RegExp(`^/v1/playbacks/${KEY}/events\\?idempotencyKey=[0-9a-f-]{36}$`));
    assert.equal(beacon.type, 'application/json');
    assert.deepEqual(beacon.events.map((e) => e.eventType), ['play', 'ping']);
    assert.equal(h.net.calls.length, 0);
    assert.equal(h.playback.pending, 0);
    assert.equal(h.sent.length, 1);
    assert.equal(h.sent[0].response, null);
  });

  test('on visibilitychange to hidden the buffer leaves by sendBeacon; back to visible sends nothing', async () => {
    const h = harness();
    h.playback.track('play');
    h.page.show();
    assert.equal(h.beacons.length, 0);
    h.page.hide();
    assert.equal(h.beacons.length, 1);
    assert.deepEqual((await h.beaconBodies())[0].events.map((e) => e.eventType), ['play']);
  });

  test('a batch waiting out a backoff leaves by beacon with the Idempotency-Key it was first sent with', async () => {
    const h = harness();
    h.net.answer(new TypeError('Failed to fetch'));
    h.playback.track('play');
    await h.clock.advance(1_000);
    const firstKey = h.net.calls[0].headers['Idempotency-Key'];
    h.page.pagehide();
    assert.equal(h.beacons.length, 1);
    assert.equal(h.beacons[0].url, `/v1/playbacks/${KEY}/events?idempotencyKey=${firstKey}`);
    await h.clock.advance(60_000);
    assert.equal(h.net.calls.length, 1, 'the backoff timer was dropped with the batch');
  });

  test('the batch in flight is not sent again on page hide (its keepalive request goes on by itself)', async () => {
    const h = harness({ maxBatch: 1 });
    h.net.hold();
    h.playback.track('play');
    await h.clock.advance(0);
    h.playback.track('ping');
    h.page.pagehide();
    const bodies = await h.beaconBodies();
    assert.deepEqual(bodies.map((b) => b.events.map((e) => e.eventType)), [['ping']]);
  });

  test('when sendBeacon refuses, the batch goes by fetch with keepalive and its Idempotency-Key header', async () => {
    const h = harness();
    h.beaconAnswers(false);
    h.playback.track('play');
    h.page.pagehide();
    await h.clock.advance(0);
    assert.equal(h.beacons.length, 1);
    assert.equal(h.net.calls.length, 1);
    const call = h.net.calls[0];
    assert.equal(call.init.keepalive, true);
    assert.equal(call.headers['Idempotency-Key'], new URL(h.beacons[0].url, 'http://x').searchParams.get('idempotencyKey'));
    assert.deepEqual(call.events.map((e) => e.eventType), ['play']);
  });

  test('when sendBeacon throws (a browser refusing the content type), the batch goes by fetch with keepalive', async () => {
    const h = harness({ sendBeacon: () => { throw new TypeError('not allowed'); } });
    h.playback.track('play');
    h.page.pagehide();
    await h.clock.advance(0);
    assert.equal(h.net.calls.length, 1);
    assert.equal(h.net.calls[0].init.keepalive, true);
    assert.equal(h.sent.length, 1);
  });

  test('with an apiKey no beacon is tried (it cannot carry the header): fetch with keepalive and X-Api-Key', async () => {
    const h = harness({ apiKey: 'player-secret' });
    h.playback.track('play');
    h.page.pagehide();
    await h.clock.advance(0);
    assert.equal(h.beacons.length, 0);
    assert.equal(h.net.calls.length, 1);
    assert.equal(h.net.calls[0].init.keepalive, true);
    assert.equal(h.net.calls[0].headers['X-Api-Key'], 'player-secret');
  });

  test('without sendBeacon in the browser, page hide sends by fetch with keepalive', async () => {
    const h = harness({ sendBeacon: null });
    h.playback.track('play');
    h.page.hide();
    await h.clock.advance(0);
    assert.equal(h.net.calls.length, 1);
    assert.equal(h.net.calls[0].init.keepalive, true);
  });

  test('a hide-time fetch that fails is retried when the page comes back', async () => {
    const h = harness({ sendBeacon: null });
    h.net.answer(new TypeError('Failed to fetch'));
    h.playback.track('play');
    h.page.hide();
    await h.clock.advance(0);
    h.page.show();
    await h.clock.advance(60_000);
    assert.equal(h.net.calls.length, 2);
    assert.equal(h.net.calls[0].headers['Idempotency-Key'], h.net.calls[1].headers['Idempotency-Key']);
    assert.equal(h.sent.length, 1);
  });

  test('close sends the buffer by beacon, removes the page listeners and refuses later events loudly', async () => {
    const h = harness();
    h.playback.track('play');
    assert.equal(h.page.window.listeners + h.page.document.listeners, 2);
    h.playback.close();
    assert.equal(h.beacons.length, 1);
    assert.equal(h.page.window.listeners + h.page.document.listeners, 0);
    h.page.pagehide();
    h.page.hide();
    assert.equal(h.beacons.length, 1);
    assert.equal(h.playback.track('ping'), false);
    assert.match(h.errors[0][0], /after close/);
    await h.clock.advance(60_000);
    assert.equal(h.net.calls.length, 0);
  });
});

describe('module', () => {
  test('the file sets globalThis.MediaProxy and module.exports alike', () => {
    assert.equal(globalThis.MediaProxy, MediaProxy);
    assert.equal(typeof MediaProxy.createPlayback, 'function');
    assert.equal(typeof MediaProxy.trackVideo, 'function');
  });
});

function chapterParams(index) {
  return { 'media.chapter.index': index, 'media.chapter.offset': index * 60, 'media.chapter.length': 60 };
}
