/*
 * MediaProxy browser client: batches Media Collection events for one playback and posts them to a MediaProxy
 * (POST {baseUrl}/v1/playbacks/{key}/events), in order, retrying what can be retried, and hands whatever is
 * left to sendBeacon when the page goes away. No dependencies, no build step: load it with a <script> tag
 * (it sets globalThis.MediaProxy) or require() it.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  root.MediaProxy = api;
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  var KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
  // The proxy refuses posts of more than 100 events (MaxEventsPerPost).
  var MAX_EVENTS_PER_POST = 100;
  // Browsers refuse keepalive requests and beacons whose bodies add up to more than 64 KiB: stay well below.
  var MAX_BATCH_BYTES = 60000;
  var KEEPALIVE_LIMIT_BYTES = 65536;
  // Adobe's convention for the length of a live stream (video.duration is Infinity there).
  var LIVE_LENGTH_SECONDS = 86400;
  var PING_INTERVAL_MS = 10000;

  var EVENT_TYPES = ['sessionStart', 'sessionComplete', 'sessionEnd', 'play', 'ping', 'bufferStart', 'pauseStart',
    'bitrateChange', 'error', 'adBreakStart', 'adBreakComplete', 'adStart', 'adComplete', 'adSkip',
    'chapterStart', 'chapterComplete', 'chapterSkip', 'stateStart', 'stateEnd', 'statesUpdate'];
  var WITH_CUSTOM_METADATA = ['sessionStart', 'adStart', 'chapterStart'];
  // The most common of the proxy's schema rules (Adobe's event schemas, GET /api/v1/schemas/{eventType}), checked
  // here too because a post is all-or-nothing: one refused event would take its whole batch down. Never stricter
  // than the schemas. Kinds: s text, n number, i integer, b boolean. The proxy may own analytics.trackingServer,
  // analytics.reportSuite and visitor.marketingCloudOrgId (it puts them in itself), so those are left to the proxy.
  var REQUIRED_PARAMS = {
    sessionStart: { 'media.id': 's', 'media.length': 'n', 'media.contentType': 's', 'media.playerName': 's', 'media.channel': 's' },
    adBreakStart: { 'media.ad.podIndex': 'i', 'media.ad.podSecond': 'n' },
    adStart: { 'media.ad.podPosition': 'i', 'media.ad.id': 's', 'media.ad.length': 'n' },
    chapterStart: { 'media.chapter.index': 'i', 'media.chapter.offset': 'n', 'media.chapter.length': 'n' },
    stateStart: { 'media.state.name': 's' },
    stateEnd: { 'media.state.name': 's' }
  };
  var TYPED_OPTIONAL_PARAMS = { 'media.resume': 'b', 'analytics.enableSSL': 'b' };
  // The params whose values are not strings, numbers or booleans.
  var STRUCTURED_PARAMS = { 'visitor.customerIDs': 'object', statesStart: 'array', statesEnd: 'array' };
  var METADATA_KEY = /^(?!a\.)[A-Za-z0-9_.]+$/;

  /** What onGiveUp receives: why a batch was dropped. */
  function MediaProxyError(message, details) {
    var error = new Error(message);
    error.name = 'MediaProxyError';
    error.status = details.status;       // HTTP status, or undefined after network errors
    error.attempts = details.attempts;
    error.problem = details.problem;     // the ProblemDetails body, when there was one
    if (details.cause !== undefined) error.cause = details.cause;
    return error;
  }

  function createPlayback(options) {
    return open(options).playback;
  }

  /** A playback and what trackVideo needs besides: whether a post is on its way, and sending everything now. */
  function open(options) {
    var o = withDefaults(options || {});
    var key = o.playbackKey === undefined ? newUuid() : String(o.playbackKey);
    if (!KEY_PATTERN.test(key)) {
      throw new TypeError('MediaProxy: a playback key matches ' + KEY_PATTERN + ', got "' + key + '"');
    }

    var url = o.baseUrl.replace(/\/+$/, '') + '/v1/playbacks/' + encodeURIComponent(key) + '/events';
    var buffer = [];         // events tracked but not yet cut into a batch
    var batches = [];        // cut batches in send order; a batch leaves when sent or given up
    var lastTs = -Infinity;
    var flushTimer = null;
    var retryTimer = null;
    var closed = false;
    var ended = null;        // the sessionEnd, once tracked

    var playback = {
      get key() { return key; },
      get pending() {
        return batches.reduce(function (n, b) { return n + b.events.length; }, buffer.length);
      },
      track: track,
      flush: flush,
      close: close
    };

    var onHidden = function () {
      if (!o.document || o.document.visibilityState === 'hidden') sendAllNow();
    };
    var onPageHide = function () { sendAllNow(); };
    if (o.window) o.window.addEventListener('pagehide', onPageHide);
    if (o.document) o.document.addEventListener('visibilitychange', onHidden);

    // ---- tracking -------------------------------------------------------------------------------------------

    function track(eventType, params, extra) {
      if (closed) return complain('track("' + eventType + '") after close(): dropped');
      // The proxy refuses anything after sessionEnd: in the same post (400) it would sink the sessionEnd too.
      // sessionComplete ends nothing: the session stays open for a final ping and the sessionEnd.
      if (ended) return complain('track("' + eventType + '") after ' + ended + ': dropped (a new playback needs a new key)');
      // Copies: the caller may change its objects before the batch leaves.
      var event = { playerTime: null, eventType: eventType };
      if (params) event.params = copy(params);
      if (extra && extra.customMetadata !== undefined) event.customMetadata = copy(extra.customMetadata);
      if (extra && extra.qoeData !== undefined) event.qoeData = copy(extra.qoeData);

      // A post is all-or-nothing at the proxy: one bad event would take its whole batch down with it.
      var problem = invalidEvent(event);
      if (problem) return complain(problem + ': dropped ' + JSON.stringify(event));
      event.playerTime = { playhead: currentPlayhead(), ts: nextTs() };

      buffer.push(event);
      if (eventType === 'sessionEnd') ended = eventType;
      if (buffer.length >= o.maxBatch) {
        cut();
        pump();
      } else if (flushTimer === null) {
        flushTimer = o.setTimeout(function () { flushTimer = null; cut(); pump(); }, o.flushIntervalMs);
      }
      return true;
    }

    function currentPlayhead() {
      var seconds = 0;
      try {
        seconds = Number(o.playhead());
      } catch (error) {
        o.console.error('MediaProxy: the playhead callback threw; sending 0', error);
      }
      return isFinite(seconds) && seconds > 0 ? seconds : 0;
    }

    // The backend orders a session's events by ts, so two events must never share one, even if the clock stands
    // still or is set back.
    function nextTs() {
      var ts = Math.floor(Number(o.now()));
      lastTs = ts > lastTs ? ts : lastTs + 1;
      return lastTs;
    }

    // ---- batching -------------------------------------------------------------------------------------------

    /** Moves the buffer into batches of at most maxBatch events and MAX_BATCH_BYTES bytes. */
    function cut() {
      if (flushTimer !== null) { o.clearTimeout(flushTimer); flushTimer = null; }
      while (buffer.length > 0) {
        var event = buffer.shift();
        var bytes = utf8Length(JSON.stringify(event)) + 1;
        var last = batches[batches.length - 1];
        // A batch never sent yet may still grow: its Idempotency-Key has not been used.
        if (last && last.attempts === 0 && !last.inFlight && last.events.length < o.maxBatch
            && last.bytes + bytes <= MAX_BATCH_BYTES) {
          last.events.push(event);
          last.bytes += bytes;
        } else {
          batches.push(newBatch(event, bytes));
        }
      }
    }

    function newBatch(event, bytes) {
      var batch = { events: [event], bytes: 2 + bytes, idempotencyKey: newUuid(), attempts: 0, inFlight: false };
      batch.done = new Promise(function (resolve) { batch.settle = resolve; });
      return batch;
    }

    function flush() {
      cut();
      pump();
      return Promise.all(batches.map(function (b) { return b.done; })).then(function () {});
    }

    /** Sends the first batch, unless one is already on its way or waiting out a backoff: order is kept. */
    function pump() {
      if (retryTimer !== null || batches.length === 0) return;
      if (batches.some(function (b) { return b.inFlight; })) return;
      send(batches[0], false);
    }

    // ---- delivery -------------------------------------------------------------------------------------------

    function send(batch, urgent) {
      batch.inFlight = true;
      batch.attempts++;
      var body = JSON.stringify(batch.events);
      var headers = { 'Content-Type': 'application/json', 'Idempotency-Key': batch.idempotencyKey };
      if (o.apiKey) headers['X-Api-Key'] = o.apiKey;
      var request;
      try {
        // keepalive lets the request outlive the page; browsers refuse it above 64 KiB, where it would only fail.
        request = Promise.resolve(o.fetch(url, {
          method: 'POST', keepalive: utf8Length(body) <= KEEPALIVE_LIMIT_BYTES, headers: headers, body: body
        }));
      } catch (error) {
        request = Promise.reject(error);
      }
      return request.then(
        function (response) { return answered(batch, response, urgent); },
        function (error) { return failed(batch, error, undefined, undefined, urgent); });
    }

    function answered(batch, response, urgent) {
      if (response.status >= 200 && response.status < 300) {
        finish(batch);
        callback(o.onSent, response, batch.events);
        return pump();
      }
      return readProblem(response).then(function (problem) {
        var retryAfter = retryAfterMs(response);
        var error = new Error('HTTP ' + response.status + (problem && problem.title ? ' ' + problem.title : ''));
        if (!retryable(response.status)) return giveUp(batch, error, response.status, problem);
        return failed(batch, error, response.status, retryAfter, urgent, problem);
      });
    }

    function failed(batch, error, status, retryAfter, urgent, problem) {
      if (closed && urgent) {
        // The page is going away: nothing would wait for a retry.
        return giveUp(batch, error, status, problem);
      }
      if (batch.attempts >= o.maxAttempts) return giveUp(batch, error, status, problem);
      batch.inFlight = false;
      if (retryTimer !== null) o.clearTimeout(retryTimer);
      retryTimer = o.setTimeout(function () { retryTimer = null; pump(); }, backoffMs(batch.attempts, retryAfter));
    }

    function giveUp(batch, cause, status, problem) {
      finish(batch);
      var error = MediaProxyError('MediaProxy: gave up on ' + batch.events.length + ' event(s) of playback ' + key
        + ' after ' + batch.attempts + ' attempt(s): ' + (cause && cause.message ? cause.message : cause),
        { status: status, attempts: batch.attempts, problem: problem, cause: cause });
      o.console.error(error.message, problem || cause, batch.events);
      callback(o.onGiveUp, error, batch.events);
      pump(); // later batches go on: one lost batch must not hold the rest of the playback
    }

    function finish(batch) {
      var index = batches.indexOf(batch);
      if (index >= 0) batches.splice(index, 1);
      batch.inFlight = false;
      batch.settle();
    }

    /** Exponential backoff with jitter (half fixed, half random), or the server's Retry-After when it gave one. */
    function backoffMs(attempts, retryAfter) {
      if (retryAfter !== undefined) return retryAfter;
      var ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * Math.pow(2, attempts - 1));
      return Math.round(ceiling / 2 + o.random() * ceiling / 2);
    }

    function retryAfterMs(response) {
      var value = response.headers && response.headers.get ? response.headers.get('Retry-After') : null;
      if (value === null || value === undefined || String(value).trim() === '') return undefined;
      var seconds = Number(value);
      if (isFinite(seconds)) return Math.max(0, seconds * 1000);
      var date = Date.parse(value); // Retry-After may also be an HTTP date
      return isNaN(date) ? undefined : Math.max(0, date - o.now());
    }

    // ---- page hide ------------------------------------------------------------------------------------------

    /**
     * The page may be gone in a moment: every batch not already on its way leaves now (one in flight was sent
     * with keepalive and completes on its own), by beacon when the browser takes it, else by keepalive fetch.
     * Order between these last requests is best-effort; their ts still say the order.
     */
    function sendAllNow() {
      cut();
      if (retryTimer !== null) { o.clearTimeout(retryTimer); retryTimer = null; }
      batches.filter(function (b) { return !b.inFlight; }).forEach(function (batch) {
        if (!beacon(batch)) send(batch, true);
      });
    }

    function beacon(batch) {
      // A beacon cannot carry headers: no X-Api-Key, so a proxy that wants one would refuse it.
      if (o.apiKey || typeof o.sendBeacon !== 'function') return false;
      var target = url + '?idempotencyKey=' + encodeURIComponent(batch.idempotencyKey);
      var body = JSON.stringify(batch.events);
      var queued = false;
      try {
        queued = o.sendBeacon(target, new Blob([body], { type: 'application/json' })) === true;
      } catch (error) {
        queued = false;
      }
      if (queued) {
        finish(batch);
        callback(o.onSent, null, batch.events);
      }
      return queued;
    }

    function close() {
      if (closed) return;
      sendAllNow();
      closed = true;
      if (flushTimer !== null) { o.clearTimeout(flushTimer); flushTimer = null; }
      if (o.window) o.window.removeEventListener('pagehide', onPageHide);
      if (o.document) o.document.removeEventListener('visibilitychange', onHidden);
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    function callback(fn, a, b) {
      try {
        if (typeof fn === 'function') fn(a, b);
      } catch (error) {
        o.console.error('MediaProxy: a callback threw', error);
      }
    }

    function complain(message) {
      o.console.error('MediaProxy: ' + message);
      return false;
    }

    return {
      playback: playback,
      postInFlight: function () { return batches.some(function (b) { return b.inFlight; }); },
      sendAllNow: sendAllNow
    };
  }

  /** Why the proxy would refuse this event (400), or null. */
  function invalidEvent(event) {
    var type = event.eventType;
    if (EVENT_TYPES.indexOf(type) < 0) return 'unknown eventType "' + type + '"';
    return invalidParams(type, event.params || {}) || invalidMetadata(type, event.customMetadata)
      || invalidQoe(event.qoeData);
  }

  function invalidParams(type, params) {
    if (typeof params !== 'object' || Array.isArray(params)) return 'params must be an object';
    var names = Object.keys(params);
    for (var i = 0; i < names.length; i++) {
      var value = params[names[i]];
      if (value === undefined) continue; // JSON.stringify leaves it out
      if (STRUCTURED_PARAMS[names[i]]) continue; // the proxy checks their shape
      if (!is(value, 's') && !is(value, 'n') && !is(value, 'b')) return 'param ' + names[i] + ' must be a string, a number or a boolean';
      var optional = TYPED_OPTIONAL_PARAMS[names[i]];
      if (optional && !is(value, optional)) return 'param ' + names[i] + ' must be ' + KIND_NAMES[optional];
    }
    var required = REQUIRED_PARAMS[type] || {};
    var missing = Object.keys(required).filter(function (name) { return params[name] === undefined; });
    if (missing.length) return type + ' needs params ' + missing.join(', ');
    var wrong = Object.keys(required).filter(function (name) { return !is(params[name], required[name]); })[0];
    return wrong ? 'param ' + wrong + ' of ' + type + ' must be ' + KIND_NAMES[required[wrong]] : null;
  }

  function invalidMetadata(type, metadata) {
    if (metadata === undefined) return null;
    if (typeof metadata !== 'object' || metadata === null) return 'customMetadata must be an object of strings';
    if (WITH_CUSTOM_METADATA.indexOf(type) < 0 && Object.keys(metadata).length > 0) return 'customMetadata is allowed only on ' + WITH_CUSTOM_METADATA.join(', ');
    var bad = Object.keys(metadata).filter(function (k) { return !METADATA_KEY.test(k) || typeof metadata[k] !== 'string'; })[0];
    return bad === undefined ? null : 'customMetadata.' + bad + ': keys of letters, digits, _ and . (not a.) with string values';
  }

  function invalidQoe(qoe) {
    if (qoe === undefined) return null;
    if (typeof qoe !== 'object' || qoe === null) return 'qoeData must be an object of integers';
    var bad = Object.keys(qoe).filter(function (k) { return !is(qoe[k], 'i'); })[0];
    return bad === undefined ? null : 'qoeData.' + bad + ' must be an integer';
  }

  var KIND_NAMES = { s: 'a string', n: 'a number', i: 'an integer', b: 'true or false' };

  function is(value, kind) {
    switch (kind) {
      case 's': return typeof value === 'string';
      case 'n': return typeof value === 'number' && isFinite(value);
      case 'i': return typeof value === 'number' && Math.floor(value) === value && isFinite(value);
      default: return typeof value === 'boolean';
    }
  }

  function copy(value) {
    return value && typeof value === 'object' && !Array.isArray(value) ? Object.assign({}, value) : value;
  }

  function retryable(status) {
    // 408, 429 and 5xx say "not now"; every other 4xx would be answered the same way again.
    return status === 408 || status === 429 || status >= 500;
  }

  function readProblem(response) {
    if (!response || typeof response.text !== 'function') return Promise.resolve(undefined);
    return Promise.resolve().then(function () { return response.text(); }).then(function (text) {
      try { return JSON.parse(text); } catch (e) { return text || undefined; }
    }, function () { return undefined; });
  }

  function utf8Length(text) {
    var bytes = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 0x80) bytes += 1;
      else if (code < 0x800) bytes += 2;
      else if (code >= 0xd800 && code <= 0xdbff) { bytes += 4; i++; } // a surrogate pair
      else bytes += 3;
    }
    return bytes;
  }

  function newUuid() {
    var c = typeof crypto !== 'undefined' ? crypto : undefined;
    // randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
    if (c && typeof c.randomUUID === 'function') return c.randomUUID();
    var bytes = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function withDefaults(options) {
    var g = typeof globalThis !== 'undefined' ? globalThis : {};
    var nav = g.navigator;
    var o = {
      baseUrl: '',
      playbackKey: undefined,
      apiKey: undefined,
      playhead: function () { return 0; },
      maxBatch: 20,
      flushIntervalMs: 1000,
      maxAttempts: 8,
      baseDelayMs: 500,
      maxDelayMs: 30000,
      onGiveUp: undefined,
      onSent: undefined,
      fetch: g.fetch ? function (u, init) { return g.fetch(u, init); } : undefined,
      sendBeacon: nav && typeof nav.sendBeacon === 'function' ? function (u, d) { return nav.sendBeacon(u, d); } : undefined,
      now: function () { return Date.now(); },
      setTimeout: function (fn, ms) { return setTimeout(fn, ms); },
      clearTimeout: function (id) { return clearTimeout(id); },
      random: Math.random,
      document: g.document,
      window: g.window,
      console: g.console
    };
    Object.keys(options).forEach(function (name) {
      if (options[name] !== undefined) o[name] = options[name];
    });
    o.baseUrl = String(o.baseUrl || '');
    o.maxBatch = Math.max(1, Math.min(MAX_EVENTS_PER_POST, Math.floor(o.maxBatch)));
    o.maxAttempts = Math.max(1, Math.floor(o.maxAttempts));
    if (typeof o.fetch !== 'function') throw new TypeError('MediaProxy: no fetch in this environment; pass options.fetch');
    return o;
  }

  // ---- <video> ----------------------------------------------------------------------------------------------

  /**
   * Tracks an HTML5 video element: sessionStart (at the first play, once the duration is known), play,
   * pauseStart, bufferStart, play again when playback resumes, sessionComplete at the end, ping every 10 s, and
   * sessionEnd when the page goes away mid-playback.
   */
  function trackVideo(video, options) {
    options = options || {};
    var settings = {};
    Object.keys(options).forEach(function (name) {
      if (name !== 'sessionStart' && name !== 'customMetadata') settings[name] = options[name];
    });
    if (!settings.playhead) settings.playhead = function () { return video.currentTime; };
    var o = withDefaults(settings);
    // This listens for pagehide itself (below), so that sessionEnd leaves in the last batch, not after it.
    var opened = open(Object.assign({}, settings, { window: null }));
    var playback = opened.playback;
    var state = 'idle'; // idle → starting (waiting for the duration) → playing | paused | buffering → ended
    var pingTimer = null;

    function startSession() {
      var params = Object.assign({}, options.sessionStart || {});
      if (params['media.length'] === undefined) {
        var duration = video.duration;
        if (duration === Infinity) duration = LIVE_LENGTH_SECONDS;
        if (!(duration > 0 && isFinite(duration))) return false; // not known yet: wait for durationchange
        params['media.length'] = duration;
      }
      var extra = options.customMetadata ? { customMetadata: options.customMetadata } : undefined;
      playback.track('sessionStart', params, extra);
      schedulePing();
      if (video.paused) {
        state = 'paused';
        playback.track('pauseStart');
      } else {
        state = 'playing';
        playback.track('play');
      }
      return true;
    }

    function schedulePing() {
      pingTimer = o.setTimeout(function () {
        pingTimer = null;
        if (state === 'ended') return;
        playback.track('ping');
        schedulePing();
      }, PING_INTERVAL_MS);
    }

    var handlers = {
      play: function () {
        if (state !== 'idle') return; // a resume is reported at 'playing', when frames move again
        state = 'starting';
        startSession();
      },
      durationchange: function () {
        if (state === 'starting') startSession();
      },
      playing: function () {
        if (state === 'starting') return startSession();
        if (state === 'paused' || state === 'buffering') {
          state = 'playing';
          playback.track('play');
        }
      },
      pause: function () {
        // At the end the element pauses just before 'ended': that is not a pause of the viewer's.
        if (video.ended || (state !== 'playing' && state !== 'buffering')) return;
        state = 'paused';
        playback.track('pauseStart');
      },
      waiting: function () {
        if (state !== 'playing') return;
        state = 'buffering';
        playback.track('bufferStart');
      },
      ended: function () {
        if (state === 'idle' || state === 'starting' || state === 'ended') return;
        state = 'ended';
        stopPing();
        playback.track('sessionComplete');
        playback.flush();
      }
    };
    handlers.loadedmetadata = handlers.durationchange;

    function stopPing() {
      if (pingTimer !== null) { o.clearTimeout(pingTimer); pingTimer = null; }
    }

    /**
     * The page goes away mid-playback: the viewer abandoned it, so the playback ends with sessionEnd, as Adobe asks
     * players to do, in the same beacon as what is left. Not while a post is on its way: the proxy refuses events
     * after the end, and that post could arrive after the beacon (the upstream then closes the session by itself).
     */
    function onPageHide() {
      if ((state === 'playing' || state === 'paused' || state === 'buffering') && !opened.postInFlight()) {
        state = 'ended';
        stopPing();
        playback.track('sessionEnd');
      }
      opened.sendAllNow();
    }

    Object.keys(handlers).forEach(function (name) { video.addEventListener(name, handlers[name]); });
    if (o.window) o.window.addEventListener('pagehide', onPageHide);
    // A video that autoplayed before this script ran will not fire its first 'play' again.
    if (!video.paused && !video.ended) handlers.play();

    var closePlayback = playback.close;
    playback.close = function () {
      stopPing();
      Object.keys(handlers).forEach(function (name) { video.removeEventListener(name, handlers[name]); });
      if (o.window) o.window.removeEventListener('pagehide', onPageHide);
      closePlayback();
    };
    return playback;
  }

  return { createPlayback: createPlayback, trackVideo: trackVideo, version: '1.0.0' };
});
