using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;

namespace MediaProxy.Core.Queue;

/// <summary>
/// The durable state of every playback: its meta (state, session id, counters), its FIFO queue of events not yet
/// acknowledged upstream and its dead letters. Every method is one atomic step (one Lua script in Redis), so
/// several proxy instances and the replayer never see a half-made change.
/// </summary>
public interface IPlaybackStore
{
    /// <summary>
    /// The append-or-forward decision: records a first sessionStart, then either stores the other events at the
    /// tail of the queue or, when the playback is live and its queue empty, tells the caller to forward them (and
    /// counts them as forwarded from then on: <see cref="RequeueAsync"/> and <see cref="DeadLetterAsync"/> take back
    /// what was not delivered, so a directly forwarded post costs one store call, not two).
    /// With an <paramref name="idempotencyKey"/> already seen for this playback, nothing is done (Duplicate).
    /// Under <paramref name="conditions"/>: with QueueWhenLive (the upstream is down) nothing is forwarded, a live
    /// playback's events are queued and it goes back to replaying; with RefuseNew a playback that does not exist yet
    /// is not created (StoreFull). Events before any sessionStart are held for a short while, and only a few.
    /// </summary>
    Task<AcceptDecision> AcceptAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, AcceptConditions conditions, CancellationToken cancellationToken);

    /// <summary>
    /// A post that <see cref="AcceptAsync"/> told the caller to forward has been answered: a repeat of its
    /// Idempotency-Key gets the same answer (<paramref name="count"/> events) from now on. Not recorded by the
    /// Accept that decided the forward: after a crash in between, the player's retry must deliver the events (at
    /// least once) instead of being answered for events that never reached the upstream. Best effort: losing the
    /// record only lets a retry through again.
    /// </summary>
    Task RememberPostAsync(string playbackKey, string idempotencyKey, int count, CancellationToken cancellationToken);

    Task<PlaybackSnapshot?> GetAsync(string playbackKey, CancellationToken cancellationToken);

    /// <summary>The sessions call answered 201: <c>starting</c> → <c>replaying</c>, or <c>live</c> when nothing is queued.</summary>
    Task<SessionRecorded> SessionCreatedAsync(string playbackKey, string sessionId, CancellationToken cancellationToken);

    /// <summary>Reads up to <paramref name="count"/> events from the head of the queue without removing them.</summary>
    Task<IReadOnlyList<QueuedEvent>> PeekAsync(string playbackKey, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the head of the queue after the upstream answered for it: counted as forwarded when
    /// <paramref name="deadLetter"/> is null, otherwise moved to the dead letters with that record.
    /// Returns null when the head is no longer <paramref name="expectedHead"/> (a <see cref="QueuedEvent.Entry"/>; someone else moved it);
    /// otherwise the new state and, while still <c>replaying</c>, the new head, read in the same step so a replay
    /// needs no second call per event and holds one event in memory, not a batch.
    /// </summary>
    Task<HeadCompletion?> CompleteHeadAsync(string playbackKey, string expectedHead, bool isEnd, string? deadLetter, CancellationToken cancellationToken);

    /// <summary>A <c>failed</c> playback goes back to work; null when it is unknown, otherwise whether it was failed.</summary>
    Task<(bool Retried, PlaybackState State)?> RetryAsync(string playbackKey, CancellationToken cancellationToken);

    /// <summary>A sessionEnd forwarded directly was acknowledged upstream: the playback is <c>ended</c>.</summary>
    Task<PlaybackState> EndForwardedAsync(string playbackKey, CancellationToken cancellationToken);

    /// <summary>
    /// An event forwarded directly was refused (400): it goes to the dead letters with <paramref name="deadLetter"/>
    /// and is counted as dead instead of forwarded, as a refused queued event would be. Never resurrects an expired playback.
    /// </summary>
    Task DeadLetterAsync(string playbackKey, string deadLetter, CancellationToken cancellationToken);

    /// <summary>
    /// Direct forwarding failed: the events go to the tail of the queue, no longer counted as forwarded, and the
    /// playback back to replaying.
    /// </summary>
    Task<PlaybackState> RequeueAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string reason, CancellationToken cancellationToken);

    /// <summary>The upstream forgot the session (404/410): back to starting, the next session with <c>media.resume</c>.</summary>
    Task SessionLostAsync(string playbackKey, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Records the last error, and what it means (<see cref="PlaybackError"/>); returns the playback's failures in a
    /// row (reset by its next success: a session created, an event delivered), 0 when the playback is unknown.
    /// </summary>
    Task<int> RecordErrorAsync(string playbackKey, string reason, PlaybackError kind, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetDeadLettersAsync(string playbackKey, CancellationToken cancellationToken);
}
