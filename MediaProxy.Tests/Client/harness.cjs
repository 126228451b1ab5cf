'use strict';
// Fakes for the browser client's specs: a clock with timers, a scripted fetch, sendBeacon, page targets and a
// <video>. Nothing here touches the network or real timers (setImmediate only lets promises settle).

const path = require('node:path');

const clientPath = path.join(__dirname, '..', '..', 'MediaProxy.Api', 'wwwroot', 'client', 'mediaproxy.js');
const MediaProxy = require(process.env.MEDIAPROXY_CLIENT || clientPath);

const START = 1_732_500_000_000;
const KEY = 'playback-key-0123456789';

/** Lets every pending promise chain run (fetch answers, body reads, callbacks). */
async function settle() {
  // Reading a Response body goes through streams, which take a few turns of the event loop, not only microtasks.
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 10; j++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function fakeClock(start = START) {
  let now = start;
  let nextId = 1;
  const timers = new Map();
  return {
    now: () => now,
    set: (value) => { now = value; },
    setTimeout: (fn, ms) => { const id = nextId++; timers.set(id, { at: now + Math.max(0, ms || 0), fn }); return id; },
    clearTimeout: (id) => { timers.delete(id); },
    pending: () => [...timers.values()].map((t) => t.at - now).sort((a, b) => a - b),
    /** Moves time forward, running every timer that falls due on the way, in order, settling after each. */
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle(); // answers already on their way may set timers of their own
        let due = null;
        for (const [id, timer] of timers) {
          if (timer.at <= target && (due === null || timer.at < due.timer.at)) due = { id, timer };
        }
        if (due === null) break;
        timers.delete(due.id);
        now = Math.max(now, due.timer.at);
        due.timer.fn();
      }
      now = target;
      await settle();
    },
  };
}

function accepted(count = 1) {
  return new Response(JSON.stringify({ playbackKey: KEY, accepted: count, state: 'live' }),
    { status: 202, headers: { 'Content-Type': 'application/json' } });
}

function problem(status, title, headers = {}) {
  return new Response(JSON.stringify({ status, title }),
    { status, headers: { 'Content-Type': 'application/problem+json', ...headers } });
}

/**
 * fetch that answers from a script: each entry is a Response, an Error (the fetch rejects), or a function
 * returning either or a promise of either. With the script used up it answers 202.
 */
function fakeNet() {
  const script = [];
  const calls = [];
  const fetch = (url, init) => {
    const headers = init.headers || {};
    calls.push({ url, init, headers, events: JSON.parse(init.body) });
    let next = script.length ? script.shift() : null;
    if (typeof next === 'function') next = next();
    if (next === null) next = accepted();
    return Promise.resolve(next).then((answer) => {
      if (answer instanceof Error) throw answer;
      return answer;
    });
  };
  return {
    fetch,
    calls,
    answer: (...answers) => { script.push(...answers); },
    /** The next request hangs until release() is called with its answer. */
    hold() {
      let release;
      script.push(() => new Promise((resolve) => { release = resolve; }));
      return (answer = accepted()) => release(answer);
    },
  };
}

/** An EventTarget that knows how many listeners it has, to see that they are removed. */
class CountingTarget extends EventTarget {
  constructor() { super(); this.listeners = 0; }
  addEventListener(...args) { this.listeners++; super.addEventListener(...args); }
  removeEventListener(...args) { this.listeners--; super.removeEventListener(...args); }
}

function fakePage() {
  const window = new CountingTarget();
  const document = new CountingTarget();
  document.visibilityState = 'visible';
  return {
    window,
    document,
    hide: () => { document.visibilityState = 'hidden'; document.dispatchEvent(new Event('visibilitychange')); },
    show: () => { document.visibilityState = 'visible'; document.dispatchEvent(new Event('visibilitychange')); },
    pagehide: () => window.dispatchEvent(new Event('pagehide')),
  };
}

/** A playback wired to fakes; returns the playback and everything it talks to. */
function harness(options = {}) {
  const clock = fakeClock();
  const net = fakeNet();
  const page = fakePage();
  const errors = [];
  const givenUp = [];
  const sent = [];
  const beacons = [];
  let beaconAnswer = true;
  const settings = {
    playbackKey: KEY,
    fetch: net.fetch,
    sendBeacon: (url, blob) => { beacons.push({ url, blob }); return beaconAnswer; },
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    random: () => 0.5,
    window: page.window,
    document: page.document,
    console: { error: (...args) => errors.push(args), warn: () => {}, log: () => {} },
    onGiveUp: (error, events) => givenUp.push({ error, events }),
    onSent: (response, events) => sent.push({ response, events }),
    ...options,
  };
  const create = options.create || ((s) => MediaProxy.createPlayback(s));
  const playback = create(settings);
  return {
    playback, clock, net, page, errors, givenUp, sent, beacons, settings,
    beaconAnswers: (value) => { beaconAnswer = value; },
    /** What each beacon carried: url and parsed events. */
    async beaconBodies() {
      return Promise.all(beacons.map(async (b) => ({ url: b.url, type: b.blob.type, events: JSON.parse(await b.blob.text()) })));
    },
  };
}

class FakeVideo extends CountingTarget {
  constructor({ duration = 600, currentTime = 0 } = {}) {
    super();
    this.duration = duration;
    this.currentTime = currentTime;
    this.paused = true;
    this.ended = false;
  }

  fire(name) { this.dispatchEvent(new Event(name)); }

  /** What a browser fires when playback starts or resumes with data at hand. */
  play() { this.paused = false; this.fire('play'); this.fire('playing'); }

  pause() { this.paused = true; this.fire('pause'); }

  stall() { this.fire('waiting'); }

  resume() { this.fire('playing'); }

  end() { this.ended = true; this.paused = true; this.fire('pause'); this.fire('ended'); }
}

const eventTypes = (calls) => calls.flatMap((c) => c.events.map((e) => e.eventType));

module.exports = { MediaProxy, KEY, START, settle, fakeClock, fakeNet, fakePage, harness, accepted, problem, FakeVideo, eventTypes };
