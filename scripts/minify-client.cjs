#!/usr/bin/env node
// Writes MediaProxy.Api/wwwroot/client/mediaproxy.min.js from mediaproxy.js with the pinned terser
// (npm ci, then npm run minify). The first line names the source's SHA-256, so a spec can tell when the
// minified copy is stale without needing terser itself.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { minify } = require('terser');

const dir = path.join(__dirname, '..', 'MediaProxy.Api', 'wwwroot', 'client');
const source = fs.readFileSync(path.join(dir, 'mediaproxy.js'), 'utf8');
const hash = crypto.createHash('sha256').update(source).digest('hex');

minify(source, { ecma: 2015, compress: { passes: 2 }, mangle: true, format: { comments: false } }).then((result) => {
  const banner = `/*! MediaProxy client ${require(path.join(dir, 'mediaproxy.js')).version} | from mediaproxy.js sha256:${hash} */\n`;
  fs.writeFileSync(path.join(dir, 'mediaproxy.min.js'), banner + result.code + '\n');
  const raw = Buffer.byteLength(source);
  const min = Buffer.byteLength(banner + result.code);
  const gz = (text) => require('node:zlib').gzipSync(text).length;
  console.log(`mediaproxy.js ${raw} B (gzip ${gz(source)} B) -> mediaproxy.min.js ${min} B (gzip ${gz(banner + result.code)} B)`);
});
