// Compiled, never run (npm run typecheck): the global that a <script> tag sets, in a page without modules.
/// <reference path="../../MediaProxy.Api/wwwroot/client/mediaproxy.d.ts" />

const fromGlobal: MediaProxy.Playback = MediaProxy.createPlayback({ playbackKey: crypto.randomUUID() });
fromGlobal.track('ping');
