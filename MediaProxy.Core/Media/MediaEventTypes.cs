using System.Collections.Frozen;

namespace MediaProxy.Core.Media;

/// <summary>
/// The 19 event types of the Media Collection API and the required params of each
/// (<c>shared/media-collection-api.md</c>). The one place these rules live.
/// </summary>
public static class MediaEventTypes
{
    public const string SessionStart = "sessionStart";
    public const string SessionComplete = "sessionComplete";
    public const string SessionEnd = "sessionEnd";

    public static readonly FrozenSet<string> All = new[]
    {
        SessionStart, SessionComplete, SessionEnd, "play", "ping", "bufferStart", "pauseStart",
        "bitrateChange", "error", "adBreakStart", "adBreakComplete", "adStart", "adComplete", "adSkip",
        "chapterStart", "chapterComplete", "chapterSkip", "stateStart", "stateEnd",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Only these may carry <c>customMetadata</c>.</summary>
    public static readonly FrozenSet<string> WithCustomMetadata =
        new[] { SessionStart, "adStart", "chapterStart" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Required params per event type, with the JSON type each must have.</summary>
    public static readonly FrozenDictionary<string, ParamRule[]> RequiredParams =
        new Dictionary<string, ParamRule[]>(StringComparer.Ordinal)
        {
            [SessionStart] =
            [
                new("analytics.trackingServer", ParamKind.Text),
                new("analytics.reportSuite", ParamKind.Text),
                new("visitor.marketingCloudOrgId", ParamKind.Text),
                new("media.id", ParamKind.Text),
                new("media.length", ParamKind.Number),
                new("media.contentType", ParamKind.Text),
                new("media.playerName", ParamKind.Text),
                new("media.channel", ParamKind.Text),
            ],
            ["adBreakStart"] = [new("media.ad.podIndex", ParamKind.WholeNumber), new("media.ad.podSecond", ParamKind.Number)],
            ["adStart"] =
            [
                new("media.ad.podPosition", ParamKind.WholeNumber),
                new("media.ad.id", ParamKind.Text),
                new("media.ad.length", ParamKind.Number),
                new("media.ad.playerName", ParamKind.Text),
            ],
            ["chapterStart"] =
            [
                new("media.chapter.index", ParamKind.WholeNumber),
                new("media.chapter.offset", ParamKind.Number),
                new("media.chapter.length", ParamKind.Number),
            ],
            ["stateStart"] = [new("media.state.name", ParamKind.Text)],
            ["stateEnd"] = [new("media.state.name", ParamKind.Text)],
            ["error"] = [new("media.qoe.errorID", ParamKind.Text), new("media.qoe.errorSource", ParamKind.Text)],
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Optional params whose type is fixed by the API.</summary>
    public static readonly FrozenDictionary<string, ParamKind> TypedOptionalParams =
        new Dictionary<string, ParamKind>(StringComparer.Ordinal)
        {
            ["media.resume"] = ParamKind.TrueFalse,
            ["analytics.enableSSL"] = ParamKind.TrueFalse,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Only sessionEnd ends a playback: Adobe's sessionComplete "does not close the session; it remains open until
    /// it expires naturally, so any trailing events such as a final ping are still captured" (events overview).
    /// </summary>
    public static bool IsEnd(string eventType) => eventType is SessionEnd;
}

public enum ParamKind
{
    Text,
    Number,
    WholeNumber,
    TrueFalse,
}

public sealed record ParamRule(string Name, ParamKind Kind);
