'use strict';
// The minified copy is built by `npm run minify` (pinned terser); these specs need no terser to tell that it is
// current and that it works. The whole suite also runs against it with
// MEDIAPROXY_CLIENT=$PWD/MediaProxy.Api/wwwroot/client/mediaproxy.min.js node --test MediaProxy.Tests/Client/
const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { harness, eventTypes } = require('./harness.cjs');

const dir = path.join(__dirname, '..', '..', 'MediaProxy.Api', 'wwwroot', 'client');

test('mediaproxy.min.js was built from the current mediaproxy.js (else: npm ci && npm run minify)', () => {
  const source = fs.readFileSync(path.join(dir, 'mediaproxy.js'));
  const hash = crypto.createHash('sha256').update(source).digest('hex');
  const banner = fs.readFileSync(path.join(dir, 'mediaproxy.min.js'), 'utf8').split('\n', 1)[0];
  assert.match(banner, new RegExp(`sha256:${hash}`));
});

test('mediaproxy.min.js exposes the same API and delivers a batch', async () => {
  const minified = require(path.join(dir, 'mediaproxy.min.js'));
  assert.deepEqual(Object.keys(minified).sort(), ['createPlayback', 'trackVideo', 'version']);
  const h = harness({ create: (settings) => minified.createPlayback(settings) });
  h.playback.track('play');
  h.playback.track('ping');
  await h.playback.flush();
  assert.deepEqual(eventTypes(h.net.calls), ['play', 'ping']);
  assert.equal(h.net.calls[0].headers['Content-Type'], 'application/json');
});
