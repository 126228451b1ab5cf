// Types for mediaproxy.js, the MediaProxy browser client (globalThis.MediaProxy, or require()).

export type MediaEventType =
  | 'sessionStart' | 'sessionComplete' | 'sessionEnd' | 'play' | 'ping' | 'bufferStart' | 'pauseStart'
  | 'bitrateChange' | 'error' | 'adBreakStart' | 'adBreakComplete' | 'adStart' | 'adComplete' | 'adSkip'
  | 'chapterStart' | 'chapterComplete' | 'chapterSkip' | 'stateStart' | 'stateEnd' | 'statesUpdate';

/**
 * Media Collection params: `media.id`, `media.length`, `media.ad.podIndex`… (string, number or boolean values; the
 * object of `visitor.customerIDs` and the arrays of statesUpdate's `statesStart`/`statesEnd` are the exceptions).
 */
export type MediaParams = Record<string, string | number | boolean
  | Record<string, { id: string; authState: 0 | 1 | 2 }> | Array<{ 'media.state.name': string }>>;

/** One event as it is posted to the proxy. */
export interface MediaEvent {
  playerTime: { playhead: number; ts: number };
  eventType: MediaEventType;
  params?: MediaParams;
  /** Only on sessionStart, adStart and chapterStart; keys match `^[A-Za-z0-9_.]+$`. */
  customMetadata?: Record<string, string>;
  /** Integer QoE fields such as `media.qoe.bitrate`, allowed on any event. */
  qoeData?: Record<string, number>;
}

export interface TrackExtra {
  customMetadata?: Record<string, string>;
  qoeData?: Record<string, number>;
}

/** Why a batch was dropped: an HTTP status the client does not retry, or maxAttempts used up. */
export interface MediaProxyError extends Error {
  name: 'MediaProxyError';
  /** The HTTP status of the last answer; undefined when the last attempt was a network error. */
  status?: number;
  attempts: number;
  /** The ProblemDetails body of the last answer (or its text), when there was one. */
  problem?: unknown;
  cause?: unknown;
}

/** The part of EventTarget the client uses to hear page hides. */
export interface ListenerTarget {
  addEventListener(type: string, listener: (event: unknown) => void): void;
  removeEventListener(type: string, listener: (event: unknown) => void): void;
}

export interface PlaybackOptions {
  /** Where the proxy is; '' (the default) is the page's own origin. */
  baseUrl?: string;
  /** `^[A-Za-z0-9_-]{16,128}$`; default: a new UUID. Anything else throws a TypeError. */
  playbackKey?: string;
  /** Sent as X-Api-Key. Page-hide sends then use fetch with keepalive, never sendBeacon (it cannot send headers). */
  apiKey?: string;
  /** The playhead in seconds, read for every track() (default 0). */
  playhead?: () => number;
  /** Events per post (default 20, at most 100); a full batch leaves at once. */
  maxBatch?: number;
  /** How long the first buffered event waits for company before its batch leaves (default 1000 ms). */
  flushIntervalMs?: number;
  /** Attempts per batch, the first included, before it is given up (default 8). */
  maxAttempts?: number;
  /** First backoff ceiling (default 500 ms); doubles per attempt, half of it random. */
  baseDelayMs?: number;
  /** Highest backoff ceiling (default 30000 ms). A Retry-After answer is honoured as given. */
  maxDelayMs?: number;
  /** A batch was dropped: also reported with console.error. */
  onGiveUp?: (error: MediaProxyError, events: MediaEvent[]) => void;
  /** A batch was accepted (202), or handed to sendBeacon (response null: the browser says no more). */
  onSent?: (response: Response | null, events: MediaEvent[]) => void;

  // Injectable for tests and unusual hosts; the defaults are the browser's.
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** null: never use beacons. */
  sendBeacon?: ((url: string, data: Blob) => boolean) | null;
  now?: () => number;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  random?: () => number;
  /** Hears `visibilitychange` and is asked `visibilityState`; default globalThis.document. */
  document?: ListenerTarget & { visibilityState?: string };
  /** Hears `pagehide`; default globalThis.window. */
  window?: ListenerTarget;
  console?: Pick<Console, 'error'>;
}

export interface Playback {
  /** The playback key every post goes under. */
  readonly key: string;
  /** Events buffered, waiting or in flight. */
  readonly pending: number;
  /**
   * Buffers one event, stamped with playerTime { playhead, ts } (ts strictly increasing within the playback).
   * Returns false, after a console.error, for an event the proxy would refuse (unknown type, a required param
   * missing or of the wrong kind, bad customMetadata or qoeData), after a sessionEnd (a new playback needs a new
   * key; sessionComplete leaves the session open), or after close().
   */
  track(eventType: MediaEventType, params?: MediaParams, extra?: TrackExtra): boolean;
  /** Sends what is buffered now; resolves once every batch so far is delivered or given up (never rejects). */
  flush(): Promise<void>;
  /** Sends what is left by beacon (or keepalive fetch) and stops listening to the page; track() is refused after. */
  close(): void;
}

export interface TrackVideoOptions extends PlaybackOptions {
  /** Params of the sessionStart sent at the first play; media.length defaults to video.duration (86400 when live). */
  sessionStart?: MediaParams;
  /** customMetadata of that sessionStart. */
  customMetadata?: Record<string, string>;
}

/** The part of HTMLVideoElement trackVideo reads. */
export interface VideoLike extends ListenerTarget {
  readonly currentTime: number;
  readonly duration: number;
  readonly paused: boolean;
  readonly ended: boolean;
}

export function createPlayback(options?: PlaybackOptions): Playback;

/**
 * Tracks a <video>: sessionStart and play at the first play, pauseStart, bufferStart, play on resume,
 * sessionComplete at the end, ping every 10 s, and sessionEnd (in the last beacon) when the page goes away
 * mid-playback. The playhead defaults to video.currentTime. close() also stops listening to the video.
 */
export function trackVideo(video: VideoLike, options?: TrackVideoOptions): Playback;

export const version: string;

export as namespace MediaProxy;
