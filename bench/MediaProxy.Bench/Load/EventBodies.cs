using System.Globalization;
using System.Text;

namespace MediaProxy.Bench.Load;

/// <summary>
/// Realistic Media Collection event bodies (<c>shared/media-collection-api.md</c>): a full sessionStart with every
/// required param, and a mid-session mix dominated by pings, as a real player sends. Built once: the load
/// generator must not spend the CPU the servers need.
/// </summary>
internal static class EventBodies
{
    private const long Epoch = 1_732_500_000_000;

    private const string SessionStartTemplate = """
        {"playerTime":{"playhead":0,"ts":@TS},"eventType":"sessionStart","params":{"analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid","visitor.marketingCloudOrgId":"ABC123@AdobeOrg","analytics.visitorId":"v-@INDEX","media.id":"@MEDIA","media.name":"Big Buck Bunny, episode @EPISODE","media.length":1800,"media.contentType":"VOD","media.playerName":"web-player","media.channel":"movies","media.streamFormat":"HLS","media.show":"Open Movies","analytics.enableSSL":true},"customMetadata":{"genre":"animation","tier":"premium"},"qoeData":{}}
        """;

    private static readonly string[] MidSession = BuildMidSession();

    /// <summary>32 single events (JSON objects), about a third of them pings.</summary>
    public static IReadOnlyList<byte[]> Singles { get; } = [.. MidSession.Select(Encoding.UTF8.GetBytes)];

    /// <summary>A few 20-event arrays, each a slice of the same mix.</summary>
    public static IReadOnlyList<byte[]> Arrays20 { get; } =
        [.. Enumerable.Range(0, 8).Select(i => Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Range(0, 20).Select(j => MidSession[(i + j) % MidSession.Length])) + "]"))];

    public static string SessionStart(string mediaId, long playbackIndex) => SessionStartTemplate
        .Replace("@TS", Text(Epoch + playbackIndex), StringComparison.Ordinal)
        .Replace("@INDEX", playbackIndex.ToString("D8", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("@MEDIA", mediaId, StringComparison.Ordinal)
        .Replace("@EPISODE", Text(playbackIndex % 100), StringComparison.Ordinal);

    /// <summary>A sessionStart followed by <paramref name="count"/> mid-session events, as one array post.</summary>
    public static byte[] StartWithEvents(string mediaId, long playbackIndex, int count) =>
        Encoding.UTF8.GetBytes("[" + string.Join(",", new[] { SessionStart(mediaId, playbackIndex) }.Concat(
            Enumerable.Range(0, count).Select(i => MidSession[(int)((playbackIndex + i) % MidSession.Length)]))) + "]");

    /// <summary>
    /// A playback's events as separate JSON texts: a sessionStart and <paramref name="count"/> (at most 31) mid-session
    /// events in increasing playhead order, as the fake upstream's order check expects them.
    /// </summary>
    public static string[] OrderedPlayback(string mediaId, long playbackIndex, int count)
    {
        var first = (int)(playbackIndex % (MidSession.Length - count + 1));
        return [SessionStart(mediaId, playbackIndex), .. MidSession.AsSpan(first, count)];
    }

    /// <summary>Events as one array post.</summary>
    public static byte[] Array(IEnumerable<string> events) => Encoding.UTF8.GetBytes("[" + string.Join(",", events) + "]");

    private static string[] BuildMidSession()
    {
        var events = new List<string>();
        for (var i = 0; events.Count < 32; i++)
        {
            var playhead = (i + 1) * 10;
            var time = "{\"playhead\":" + Text(playhead) + ",\"ts\":" + Text(Epoch + (playhead * 1000L)) + "}";
            var n = Text(i);
            var chapter = Text((i / 8) + 1);
            events.Add((i % 8) switch
            {
                0 => "{\"playerTime\":" + time + ",\"eventType\":\"play\",\"params\":{}}",
                1 or 4 or 6 => "{\"playerTime\":" + time + ",\"eventType\":\"ping\"}",
                2 => "{\"playerTime\":" + time + ",\"eventType\":\"bitrateChange\",\"qoeData\":{\"media.qoe.bitrate\":4500000,\"media.qoe.droppedFrames\":2}}",
                3 => "{\"playerTime\":" + time + ",\"eventType\":\"chapterStart\",\"params\":{\"media.chapter.index\":" + chapter
                    + ",\"media.chapter.offset\":" + Text(playhead) + ",\"media.chapter.length\":600,\"media.chapter.friendlyName\":\"Chapter " + chapter
                    + "\"},\"customMetadata\":{\"segment\":\"main\"}}",
                5 => "{\"playerTime\":" + time + ",\"eventType\":\"adBreakStart\",\"params\":{\"media.ad.podIndex\":" + Text(i / 8)
                    + ",\"media.ad.podSecond\":" + Text(playhead) + ",\"media.ad.podFriendlyName\":\"mid-roll\"}}",
                _ => "{\"playerTime\":" + time + ",\"eventType\":\"adStart\",\"params\":{\"media.ad.podPosition\":1,\"media.ad.id\":\"ad-" + n
                    + "\",\"media.ad.length\":30,\"media.ad.playerName\":\"web-player\",\"media.ad.name\":\"Sponsor spot\"},\"customMetadata\":{\"campaign\":\"c-42\"}}",
            });
        }

        return [.. events];
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
