using System.Diagnostics;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The <c>MediaProxy</c> activity source: a span for each accept (player request → store → direct forward) and
/// for each turn of work on a playback (sessions call, replay), under which the HttpClient spans of the upstream
/// calls nest. Spans carry the playback key truncated (as in logs) and the upstream session id once known.
/// </summary>
public static class PlaybackTracing
{
    public const string SourceName = "MediaProxy";

    public const string PlaybackKeyTag = "mediaproxy.playback_key";
    public const string SessionIdTag = "mediaproxy.session_id";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A post being made durable or forwarded.</summary>
    public static Activity? StartAccept(string playbackKey, int events) =>
        Source.StartActivity("mediaproxy.accept")?
            .SetTag(PlaybackKeyTag, PlaybackKey.ForLog(playbackKey))
            .SetTag("mediaproxy.events", events);

    /// <summary>A worker moving a playback forward (sessions call and replay).</summary>
    public static Activity? StartWork(string playbackKey) =>
        Source.StartActivity("mediaproxy.work")?.SetTag(PlaybackKeyTag, PlaybackKey.ForLog(playbackKey));

    /// <summary>Tags the current span with the upstream session id.</summary>
    public static void SessionId(string sessionId) => Activity.Current?.SetTag(SessionIdTag, sessionId);

    /// <summary>Tags the current span with what the store decided for a post.</summary>
    public static void Outcome(string outcome) => Activity.Current?.SetTag("mediaproxy.outcome", outcome);
}
