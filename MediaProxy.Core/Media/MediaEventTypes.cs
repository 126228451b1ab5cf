namespace MediaProxy.Core.Media;

/// <summary>
/// The event types the proxy knows by name. What each may carry is not here: that is the schemas' business
/// (<see cref="MediaEventRules"/>, from <c>Media/Schemas/*.json</c> or the upstream).
/// </summary>
public static class MediaEventTypes
{
    public const string SessionStart = "sessionStart";
    public const string SessionComplete = "sessionComplete";
    public const string SessionEnd = "sessionEnd";

    /// <summary>Every event type Adobe's Media Collection API pages send, in the order of Adobe's schema enum.</summary>
    public static readonly string[] Documented =
    [
        SessionStart, "play", "ping", "bufferStart", "pauseStart", SessionComplete, "bitrateChange", "error",
        "adBreakStart", "adBreakComplete", "adStart", "adComplete", "adSkip", SessionEnd,
        "chapterStart", "chapterComplete", "chapterSkip", "stateStart", "stateEnd", "statesUpdate",
    ];

    /// <summary>
    /// Only sessionEnd ends a playback: Adobe's sessionComplete "does not close the session; it remains open until
    /// it expires naturally, so any trailing events such as a final ping are still captured" (events overview).
    /// </summary>
    public static bool IsEnd(string eventType) => eventType is SessionEnd;
}
