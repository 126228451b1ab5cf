using MediaProxy.Core.Queue;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// How a stage of a playback's background work ended: the closed set the worker acts on, so it never has to ask
/// the stage (or the store) what happened.
/// </summary>
public abstract record StageOutcome
{
    private StageOutcome()
    {
    }

    /// <summary>Nothing is left to do now (live, ended, failed, or gone): off the pending index.</summary>
    public static StageOutcome Done { get; } = new DoneOutcome();

    /// <summary>The playback moved on (a batch replayed, a session found already started): read it again and run the next stage.</summary>
    public static StageOutcome Next { get; } = new NextOutcome();

    /// <summary>
    /// Not sent: the upstream is down, or the call found no slot. Nothing is counted against the playback; it waits
    /// in the pending index, due now, and resumes (oldest first) once the upstream is back.
    /// </summary>
    public static StageOutcome Parked { get; } = new ParkedOutcome();

    /// <summary>
    /// The sessions call found every slot taken (the upstream's concurrency limit): the playback waits for one in
    /// memory, holding no lease, and comes back when a slot is reserved for it.
    /// </summary>
    public static StageOutcome NoSessionSlot { get; } = new NoSessionSlotOutcome();

    /// <summary>This playback's call failed: try it again after <paramref name="delay"/> (backoff with full jitter).</summary>
    public static StageOutcome RetryAfter(TimeSpan delay) => new Retry(delay);

    /// <summary>
    /// The session was just recorded with events queued: the replay runs next, from <paramref name="head"/>, without
    /// reading the playback again (the stages act on it; the worker never sees it).
    /// </summary>
    public static StageOutcome ReplayFrom(string sessionId, QueuedEvent head) => new Replay(sessionId, head);

    public sealed record DoneOutcome : StageOutcome;

    public sealed record NextOutcome : StageOutcome;

    public sealed record ParkedOutcome : StageOutcome;

    public sealed record NoSessionSlotOutcome : StageOutcome;

    public sealed record Retry(TimeSpan Delay) : StageOutcome;

    public sealed record Replay(string SessionId, QueuedEvent Head) : StageOutcome;
}
