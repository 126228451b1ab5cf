namespace MediaProxy.Tests.Conformance;

/// <summary>
/// Events Adobe's pages say are wrong, each with the sentence that says so (pages under help/implementation/ at
/// <see cref="AdobeDocs.Commit"/>) and the field the refusal must name. <c>@MEDIA</c> stands for a media id of the test's.
/// </summary>
internal static partial class AdobeDocs
{
    private const string StartParams = "\"media.length\":128,\"media.contentType\":\"vod\",\"media.playerName\":\"HTML5 Player\",\"media.channel\":\"Sports\"";

    public static readonly DocRefusal[] Refusals =
    [
        new("mc-api-ref/mc-api-req-params.md: the key is analytics.visitorId; mc-api-validate-reqs.md: params \"additionalProperties\":false",
            Start("\"analytics.visitorID\":\"v-42\""), "params.analytics.visitorID"),
        new("mc-api-ref/mc-api-req-params.md: visitor.aamLocationHint | N | integer",
            Start("\"visitor.aamLocationHint\":\"9\""), "params.visitor.aamLocationHint"),
        new("mc-api-ref/mc-api-req-params.md: analytics.optOutShare | N | boolean",
            Start("\"analytics.optOutShare\":\"yes\""), "params.analytics.optOutShare"),
        new("mc-api-ref/mc-api-req-params.md: media.name | N | string",
            Start("\"media.name\":5"), "params.media.name"),
        new("mc-api-ref/mc-api-req-params.md: media.id | Y | string (an empty id is none)",
            Start("\"media.name\":\"@MEDIA\"", id: string.Empty), "params.media.id"),
        new("mc-api-ref/mc-api-req-params.md: visitor.customerIDs \"authState\": <<insert one of 0, 1, 2>>",
            Start("\"visitor.customerIDs\":{\"crm\":{\"id\":\"42\",\"authState\":3}}"), "params.visitor.customerIDs.crm.authState"),
        new("mc-api-impl/mc-api-custom-meta.md: \"The a. prefix is reserved for Adobe standard metadata and must not be used\"",
            Start("\"media.name\":\"x\"", after: ",\"customMetadata\":{\"a.media.name\":\"x\"}"), "customMetadata.a.media.name"),
        new("mc-api-ref/mc-api-req-params.md: media.ad.podIndex | Y | integer",
            """{"playerTime":{"playhead":0,"ts":1699523820001},"eventType":"adBreakStart","params":{"media.ad.podIndex":1.5,"media.ad.podSecond":0}}""", "params.media.ad.podIndex"),
        new("mc-api-ref/mc-api-req-params.md: media.chapter.length | Y | number",
            """{"playerTime":{"playhead":0,"ts":1699523820001},"eventType":"chapterStart","params":{"media.chapter.index":1,"media.chapter.offset":0}}""", "params.media.chapter.length"),
        new("events/playback/ping.md: \"Do not include a params object in the ping request body\"",
            """{"playerTime":{"playhead":10,"ts":1699523820001},"eventType":"ping","params":{"media.id":"video-123"}}""", "params.media.id"),
        new("mc-api-impl/mc-api-validate-reqs.md: qoeData holds media.qoe.* keys, \"additionalProperties\":false",
            """{"playerTime":{"playhead":10,"ts":1699523820001},"eventType":"play","qoeData":{"media.qoe.errorID":"E1"}}""", "qoeData.media.qoe.errorID"),
        new("mc-api-impl/mc-api-custom-meta.md: \"All custom metadata values must be strings\"",
            """{"playerTime":{"playhead":0,"ts":1699523820001},"eventType":"adStart","params":{"media.ad.id":"ad-2125","media.ad.length":15,"media.ad.podPosition":1},"customMetadata":{"tier":1}}""", "customMetadata.tier"),
        new("mc-api-ref/mc-api-events-req.md: customMetadata \"send only with adStart and chapterStart event types\"",
            """{"playerTime":{"playhead":10,"ts":1699523820001},"eventType":"play","customMetadata":{"genre":"drama"}}""", "customMetadata.genre"),
        new("mc-api-ref/mc-api-events-req.md: ts \"must be in milliseconds\" (the timelines' placeholder, as printed)",
            """{"playerTime":{"playhead":8,"ts":"<timestamp>"},"eventType":"ping"}""", "playerTime.ts"),
        new("mc-api-timelines/mc-api-timeline-1.md: \"There is no explicit support in the Media Collection API for seekStart\"",
            """{"playerTime":{"playhead":10,"ts":1699523820001},"eventType":"seekStart"}""", "eventType"),
        new("events/session/overview.md: \"Any other tracking call is ignored after SessionEnd\"",
            """[{"playerTime":{"playhead":45,"ts":1699523820001},"eventType":"sessionEnd"},{"playerTime":{"playhead":45,"ts":1699523820002},"eventType":"ping"}]""", "[1].eventType"),
    ];

    /// <summary>A sessionStart with the params the session-start page sends, <paramref name="param"/> and what comes <paramref name="after"/> params.</summary>
    private static string Start(string param, string id = "@MEDIA", string after = "") =>
        $$"""{"playerTime":{"playhead":0,"ts":1699523820000},"eventType":"sessionStart","params":{"media.id":"{{id}}",{{StartParams}},{{param}}}{{after}}}""";
}

/// <summary>An event Adobe's pages refuse, the sentence behind it, and the field path the 400 must name.</summary>
public sealed record DocRefusal(string Rule, string Json, string Path)
{
    public bool IsSessionStart => Json.Contains("\"eventType\":\"sessionStart\"", StringComparison.Ordinal);

    public override string ToString() => Path;
}
