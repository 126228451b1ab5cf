namespace MediaProxy.Core.Playbacks;

/// <summary>Where a playback is in its life. Stored in Redis by <see cref="PlaybackStates"/> names.</summary>
public enum PlaybackState
{
    /// <summary>Events arrived but no sessionStart yet: they are held.</summary>
    AwaitingSessionStart,

    /// <summary>The upstream sessions call is in flight: every event is queued.</summary>
    Starting,

    /// <summary>The session exists and the queue is being sent in order.</summary>
    Replaying,

    /// <summary>The queue is empty: new events are forwarded directly.</summary>
    Live,

    /// <summary>sessionEnd was delivered: later events are refused (sessionComplete leaves the session open, as upstream).</summary>
    Ended,

    /// <summary>The session could not be created; events are kept until their TTL.</summary>
    Failed,
}

/// <summary>The wire names of <see cref="PlaybackState"/>, shared by the API and the Redis scripts.</summary>
public static class PlaybackStates
{
    public static string ToWire(this PlaybackState state) => state switch
    {
        PlaybackState.AwaitingSessionStart => "awaitingSessionStart",
        PlaybackState.Starting => "starting",
        PlaybackState.Replaying => "replaying",
        PlaybackState.Live => "live",
        PlaybackState.Ended => "ended",
        PlaybackState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static PlaybackState Parse(string? wire) => wire switch
    {
        null or "" or "awaitingSessionStart" => PlaybackState.AwaitingSessionStart,
        "starting" => PlaybackState.Starting,
        "replaying" => PlaybackState.Replaying,
        "live" => PlaybackState.Live,
        "ended" => PlaybackState.Ended,
        "failed" => PlaybackState.Failed,
        _ => throw new FormatException($"Unknown playback state '{wire}'."),
    };
}
