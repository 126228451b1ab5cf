using System.Globalization;

namespace MediaProxy.Tests.Api;

/// <summary>Valid Media Collection events for tests; a unique media id (or marker) ties them to one test.</summary>
internal static class TestEvents
{
    private const long BaseTs = 1_732_500_000_000;

    public static string NewKey() => Guid.NewGuid().ToString("N");

    public static string SessionStart(string mediaId, double playhead = 0) => $$$"""
        {"playerTime":{"playhead":{{{Num(playhead)}}},"ts":{{{BaseTs}}}},"eventType":"sessionStart","params":{
        "analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid",
        "visitor.marketingCloudOrgId":"ABC123@AdobeOrg","media.id":"{{{mediaId}}}","media.length":1800,
        "media.contentType":"VOD","media.playerName":"test-player","media.channel":"tests"}}
        """;

    /// <summary>An event whose <c>params.test.seq</c> carries its sequence number, to check order upstream.</summary>
    public static string Event(string eventType, int seq, string? marker = null)
    {
        var extra = marker is null ? string.Empty : $",\"test.marker\":\"{marker}\"";
        return $$$"""{"playerTime":{"playhead":{{{seq}}},"ts":{{{BaseTs + (seq * 1000L)}}}},"eventType":"{{{eventType}}}","params":{"test.seq":{{{seq}}}{{{extra}}}}}""";
    }

    public static string Ping(int seq, string? marker = null) => Event("ping", seq, marker);

    /// <summary>
    /// A ping exactly as Adobe's schema takes it (no params), for a proxy whose upstream is the built-in simulator:
    /// only the fake upstream's schemas allow the <c>test.*</c> params of <see cref="Event"/>.
    /// </summary>
    public static string AdobePing(int seq) => $$$"""{"playerTime":{"playhead":{{{seq}}},"ts":{{{BaseTs + (seq * 1000L)}}}},"eventType":"ping"}""";

    public static string Array(IEnumerable<string> events) => "[" + string.Join(",", events) + "]";

    private static string Num(double value) => value.ToString(CultureInfo.InvariantCulture);
}
