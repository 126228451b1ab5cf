// Compiled, never run (npm run typecheck): the public API as the demo page and players use it.
import * as MediaProxyModule from '../../MediaProxy.Api/wwwroot/client/mediaproxy';

declare const video: HTMLVideoElement;

const playback: MediaProxyModule.Playback = MediaProxyModule.createPlayback({
  baseUrl: '',
  apiKey: 'player-key',
  playhead: () => video.currentTime,
  maxBatch: 20,
  flushIntervalMs: 1000,
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30000,
  onGiveUp: (error, events) => console.warn(error.status, error.attempts, events.length),
  onSent: (response, events) => console.log(response?.status, events[0]?.playerTime.ts),
});
const key: string = playback.key;
const ok: boolean = playback.track('play', { 'media.resume': false }, { qoeData: { 'media.qoe.bitrate': 3000 } });
const done: Promise<void> = playback.flush();
const pending: number = playback.pending;
playback.close();

const watched = MediaProxyModule.trackVideo(video, {
  sessionStart: { 'media.id': 'vod-42', 'media.contentType': 'VOD', 'media.playerName': 'web', 'media.channel': 'movies' },
  customMetadata: { genre: 'animation' },
});
watched.track('bitrateChange', {}, { qoeData: { 'media.qoe.bitrate': 1500 } });

// @ts-expect-error: not a Media Collection event type
playback.track('plya');

export { key, ok, done, pending };
