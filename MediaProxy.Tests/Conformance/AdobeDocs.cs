using System.Globalization;

namespace MediaProxy.Tests.Conformance;

/// <summary>
/// Request bodies from Adobe's published Media Collection API documentation, replayed by <see cref="AdobeExamplesTests"/>.
/// Source: the repository AdobeDocs/media-analytics.en at commit <see cref="Commit"/>; every <see cref="DocPayload.Source"/>
/// is a path under <c>help/implementation/</c> and the section the body was copied from. Bodies are copied with their
/// insignificant whitespace removed: their JSON values are the pages' own, except for these repairs (all of them):
/// <list type="bullet">
/// <item>All three timelines print <c>"ts": "&lt;timestamp&gt;"</c> in every action: <see cref="WithTimestamps"/> puts in
/// increasing epoch milliseconds when a timeline is replayed (as printed, the string is refused: see <see cref="Refusals"/>).</item>
/// <item>mc-api-timeline-1.md#Action-1: <c>"eventType":"sessionStart, params" {</c> became <c>"eventType":"sessionStart", "params": {</c>.</item>
/// <item>A trailing comma after <c>"params": {…},</c> (not JSON) was dropped in mc-api-timeline-1.md#Action-7 and #Action-17,
/// mc-api-timeline-2.md#Action-4 and #Action-15, mc-api-timeline-3.md#Action-7, #Action-12, #Action-19 and #Action-23.</item>
/// <item>events/player-state/overview.md prints its three statesUpdate bodies in one block with <c>// t0 …</c> comments
/// (not JSON): split at the comments, the comments dropped.</item>
/// </list>
/// Left as printed, valid if odd: timeline 2 sends <c>qoeData.bitrate</c> (the schema's key is <c>media.qoe.bitrate</c>);
/// its action 12 and timeline 3's actions 12 and 29 send playheads other than their tables say; ad-start.md omits
/// <c>media.ad.playerName</c> and session-start.md the tracking params, both marked required in the params table.
/// Not replayed, because they are templates rather than bodies: mc-api-overview.md and mc-api-events-req.md
/// (placeholders such as <c>"{event-type}"</c>), mc-api-sessions-req.md (<c>...</c> lines and
/// <c>"&lt;your param-value&gt;"</c>), mc-api-validate-reqs.md (a schema), mc-api-obtain-sid.md and mc-api-queuing.md
/// (JavaScript).
/// </summary>
internal static partial class AdobeDocs
{
    public const string Commit = "85492fef4c8b95c9cf474374c6fc146f0fcf6e9c";

    private const string TimestampPlaceholder = "\"<timestamp>\"";

    public static IEnumerable<(int Number, DocPayload[] Events)> Timelines => [(1, Timeline1), (2, Timeline2), (3, Timeline3)];

    /// <summary>A timeline with its <c>"&lt;timestamp&gt;"</c> placeholders replaced: <paramref name="start"/>, then 1 s apart.</summary>
    public static DocPayload[] WithTimestamps(DocPayload[] timeline, long start) =>
        [.. timeline.Select((e, i) => e with { Json = e.Json.Replace(TimestampPlaceholder, (start + (i * 1000L)).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) })];
}

/// <summary>One request body from Adobe's pages and where it comes from.</summary>
public sealed record DocPayload(string Source, string Json)
{
    public bool IsSessionStart => Json.Contains("\"eventType\":\"sessionStart\"", StringComparison.Ordinal);

    public bool IsSessionEnd => Json.Contains("\"eventType\":\"sessionEnd\"", StringComparison.Ordinal);

    // Theory data shows the source, not kilobytes of JSON.
    public override string ToString() => Source;
}
