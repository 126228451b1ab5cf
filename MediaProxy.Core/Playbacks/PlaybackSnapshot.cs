using MediaProxy.Core.Queue;

namespace MediaProxy.Core.Playbacks;

/// <summary>What the store knows of one playback at one moment.</summary>
public sealed record PlaybackSnapshot(
    PlaybackState State,
    string? SessionId,
    string? SessionStartJson,
    bool Resume,
    long Queued,
    long Forwarded,
    long DeadLettered,
    string? LastError)
{
    /// <summary>When its sessionStart was accepted (null for playbacks stored before this was kept).</summary>
    public DateTimeOffset? StartAcceptedAt { get; init; }

    /// <summary>Failed upstream calls in a row: the backoff's exponent, reset by the next success.</summary>
    public int Failures { get; init; }

    /// <summary>Its last sessions call timed out (it may have created a session): the next one waits longer.</summary>
    public bool SessionCallTimedOut { get; init; }
}

/// <summary>What an upstream error means for the playback, as recorded by the store.</summary>
public enum PlaybackError
{
    /// <summary>A call failed and will be tried again.</summary>
    Retry,

    /// <summary>The sessions call timed out: it will be tried again, waiting longer.</summary>
    SessionsCallTimedOut,

    /// <summary>Refused for good (the upstream's 400 for the sessionStart, or too old): the playback is <c>failed</c>.</summary>
    Failed,
}

/// <summary>The answer of the atomic append-or-forward decision.</summary>
/// <param name="Outcome">What the caller must do with the non-sessionStart events of the post.</param>
/// <param name="State">The playback's state after the decision.</param>
/// <param name="StartNeeded">This post carried the playback's first sessionStart: start the upstream session.</param>
/// <param name="SessionId">The upstream session id, set when <paramref name="Outcome"/> is ForwardDirectly.</param>
/// <param name="PreviouslyAccepted">For a Duplicate: how many events the first post with that key accepted; for QueueFull: the cap.</param>
public sealed record AcceptDecision(AcceptOutcome Outcome, PlaybackState State, bool StartNeeded, string? SessionId, int PreviouslyAccepted = 0)
{
    /// <summary>The post created the playback (it did not exist before).</summary>
    public bool Created { get; init; }
}

/// <summary>What an accept may do: forward to a live playback (not while the upstream is down), create a playback.</summary>
/// <param name="QueueWhenLive">The upstream is down: queue a live playback's events instead of forwarding them.</param>
/// <param name="RefuseNew">No new playback: the store is nearly full, or the client's budget of new playbacks is spent.</param>
public readonly record struct AcceptConditions(bool QueueWhenLive = false, bool RefuseNew = false);

/// <summary>The session id was stored: the state now, and how many events the replay has to send.</summary>
public sealed record SessionRecorded(PlaybackState State, long Queued)
{
    /// <summary>The first event to replay, when the session was just recorded with events queued (null otherwise).</summary>
    public QueuedEvent? Head { get; init; }
}

/// <summary>The queue's head was popped: the state now and, while still replaying, the next head (null otherwise).</summary>
public sealed record HeadCompletion(PlaybackState State, QueuedEvent? Next);

public enum AcceptOutcome
{
    /// <summary>Every event is in the store (or there was nothing but a repeated sessionStart).</summary>
    Stored,

    /// <summary>The playback is live with an empty queue: the caller sends the events upstream itself.</summary>
    ForwardDirectly,

    /// <summary>The playback has ended (or its sessionEnd was accepted): nothing was stored.</summary>
    Ended,

    /// <summary>The post held nothing but sessionEnd, after the playback's sessionEnd: acknowledged, nothing stored or sent.</summary>
    EndRepeated,

    /// <summary>A post with this Idempotency-Key was already accepted: nothing was stored again.</summary>
    Duplicate,

    /// <summary>Storing the post would pass the playback's queue cap: nothing was stored (all or nothing).</summary>
    QueueFull,

    /// <summary>This would be a new playback and none may be created now (RefuseNew): nothing was stored; existing ones go on.</summary>
    StoreFull,
}
