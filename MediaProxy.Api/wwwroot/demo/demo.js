/*
 * The MediaProxy demo: tracks the <video> with MediaProxy.trackVideo and shows, once a second, what the proxy
 * did with the events (GET /v1/playbacks/{key}) and, in simulator mode, what the upstream received.
 *
 * For tests and the curious: window.demoPlayback is the playback, window.demoTracked the events the client was
 * asked to send ({eventType, playhead}), window.demoSent the events it handed over ({eventType, ts, via}: via is
 * "fetch" or "beacon"). Both lists are also kept in sessionStorage, so after a reload the page (and a test) can
 * still see what the earlier playbacks of this tab tracked and sent, the beacon at page hide included.
 */
(function () {
  'use strict';

  var STORAGE_KEY = 'mediaproxy-demo';
  var KEPT_PLAYBACKS = 5;
  var POLL_MS = 1000;

  var video = document.getElementById('video');
  var earlier = load();
  var tracked = window.demoTracked = [];
  var sent = window.demoSent = [];
  var seenStates = {};
  var simulatorOn = true; // until GET /simulator/sessions says otherwise
  // A proxy with player API keys (MediaProxy:Auth:PlayerApiKeys) needs one: open /demo/?apiKey=… (a demo only:
  // a key in a URL ends up in histories and logs). With a key the client sends no beacons (they carry no headers).
  var apiKey = new URLSearchParams(location.search).get('apiKey') || undefined;

  var playback = MediaProxy.trackVideo(video, {
    apiKey: apiKey,
    sessionStart: {
      'analytics.trackingServer': 'example.sc.omtrdc.net',
      'analytics.reportSuite': 'examplersid',
      'visitor.marketingCloudOrgId': 'ABC123@AdobeOrg',
      'media.id': 'mediaproxy-demo-clip',
      'media.contentType': 'VOD',
      'media.playerName': 'mediaproxy-demo',
      'media.channel': 'demo'
      // media.length: trackVideo takes it from the video's duration
    },
    onSent: function (response, events) {
      // A beacon has no response to hand over.
      record(events, response ? 'fetch' : 'beacon');
    },
    onGiveUp: function (error, events) {
      record(events, 'lost');
      text('error', error.message);
    }
  });
  window.demoPlayback = playback;

  // Every event the client is asked for, whoever asks (trackVideo calls playback.track).
  var track = playback.track;
  playback.track = function (eventType, params, extra) {
    var accepted = track(eventType, params, extra);
    if (accepted) {
      tracked.push({ eventType: eventType, playhead: Math.round(video.currentTime * 1000) / 1000 });
      save();
      renderTracked();
    }
    return accepted;
  };

  text('key', playback.key);
  save();
  // Muted, so browsers let it start without a click; started here, after the tracking is in place.
  video.play().catch(function () { document.getElementById('press-play').hidden = false; });
  renderEarlier({});
  poll();

  // ---- what the proxy and the upstream say ------------------------------------------------------------------

  function poll() {
    // Until the client has handed over its first batch, the proxy does not know this key (404).
    var keys = (sent.length > 0 ? [playback.key] : []).concat(earlier.map(function (p) { return p.key; }));
    Promise.all(keys.map(status)).then(function (answers) {
      var current = sent.length > 0 ? answers[0] : null;
      var byKey = {};
      keys.forEach(function (key, i) { byKey[key] = answers[i]; });
      renderStatus(current);
      renderEarlier(byKey);
      return current && current.sessionId && simulatorOn ? upstream(current.sessionId) : null;
    }).catch(function (error) {
      text('error', 'status: ' + error.message);
    }).then(function () {
      text('pending', String(playback.pending));
      setTimeout(poll, POLL_MS);
    });
  }

  function status(key) {
    var headers = apiKey ? { 'X-Api-Key': apiKey } : {};
    return fetch('/v1/playbacks/' + encodeURIComponent(key), { cache: 'no-store', headers: headers }).then(function (response) {
      if (response.status === 404) return null; // nothing posted yet
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    });
  }

  function upstream(sessionId) {
    return fetch('/simulator/sessions', { cache: 'no-store' }).then(function (response) {
      if (!response.ok) {
        // 404: a real upstream is configured; 401: the simulator needs an admin key.
        simulatorOn = false;
        document.getElementById('simulator').hidden = true;
        return;
      }
      return response.json().then(function (sessions) {
        var session = sessions.filter(function (s) { return s.sessionId === sessionId; })[0];
        document.getElementById('simulator').hidden = false;
        if (session) renderReceived(session);
      });
    });
  }

  // ---- rendering --------------------------------------------------------------------------------------------

  function renderStatus(s) {
    if (!s) return;
    seenStates[s.state] = true;
    // The replay of what was queued takes milliseconds, between two polls; a playback with a session that is
    // live or ended has been through it (starting → replaying → live), so the step is lit as passed.
    if (s.sessionId && (s.state === 'live' || s.state === 'ended')) seenStates.replaying = true;
    var steps = document.querySelectorAll('#states li');
    Array.prototype.forEach.call(steps, function (li) {
      var state = li.getAttribute('data-state');
      li.className = (state === s.state ? 'current ' : '') + (seenStates[state] ? 'seen' : '');
    });
    var label = document.getElementById('state');
    label.textContent = s.state;
    label.className = 'state' + (s.state === 'failed' ? ' failed' : '');
    text('session', s.sessionId || '—');
    text('queued', String(s.queued));
    text('delivered', String(delivered(s)));
    text('delivered-detail', s.sessionId ? '(sessionStart, with the sessions call, + ' + s.forwarded + ' forwarded)' : '');
    text('dead', String(s.deadLettered));
    if (s.lastError) text('error', s.lastError);
  }

  function renderTracked() {
    var list = document.getElementById('tracked');
    list.textContent = '';
    tracked.forEach(function (event, i) {
      var item = element('li', event.eventType + ' @ ' + event.playhead.toFixed(1) + ' s ');
      var delivery = sent[i];
      if (delivery) item.appendChild(element('span', delivery.via === 'lost' ? 'lost' : 'sent by ' + delivery.via,
        'via ' + delivery.via));
      list.appendChild(item);
    });
  }

  function renderReceived(session) {
    var list = document.getElementById('received');
    list.textContent = '';
    list.appendChild(element('li', 'sessionStart → session ' + session.sessionId.slice(0, 8) + '…'));
    session.events.forEach(function (event) {
      list.appendChild(element('li', event.eventType + ' @ ' + event.playerTime.playhead.toFixed(1) + ' s'));
    });
  }

  function renderEarlier(byKey) {
    document.getElementById('earlier').hidden = earlier.length === 0;
    var rows = document.getElementById('earlier-rows');
    rows.textContent = '';
    earlier.forEach(function (p) {
      var s = byKey[p.key];
      var row = document.createElement('tr');
      var key = document.createElement('td');
      key.appendChild(element('code', p.key));
      row.appendChild(key);
      row.appendChild(element('td', s ? s.state : '…'));
      row.appendChild(element('td', String(p.tracked.length)));
      row.appendChild(element('td', s ? String(delivered(s)) : '…'));
      row.appendChild(element('td', String(p.sent.filter(function (e) { return e.via === 'beacon'; }).length)));
      rows.appendChild(row);
    });
  }

  /** Events the upstream has: the sessionStart went with the sessions call, `forwarded` counts the others. */
  function delivered(s) {
    return (s.sessionId ? 1 : 0) + s.forwarded;
  }

  // ---- bookkeeping ------------------------------------------------------------------------------------------

  function record(events, via) {
    events.forEach(function (e) { sent.push({ eventType: e.eventType, ts: e.playerTime.ts, via: via }); });
    save();
    renderTracked();
  }

  /** This playback first, then the earlier ones of this tab; written at every change, the page hide included. */
  function save() {
    var mine = { key: playback.key, tracked: tracked, sent: sent };
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify([mine].concat(earlier).slice(0, KEPT_PLAYBACKS)));
    } catch (e) {
      // Storage full or refused (private mode): the demo works without it.
    }
  }

  function load() {
    try {
      var kept = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || '[]');
      return Array.isArray(kept) ? kept.slice(0, KEPT_PLAYBACKS - 1) : [];
    } catch (e) {
      return [];
    }
  }

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function element(name, content, className) {
    var node = document.createElement(name);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }
})();
