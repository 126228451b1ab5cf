using System.Text;
using BenchmarkDotNet.Attributes;
using MediaProxy.Core.Media;

namespace MediaProxy.Micro;

/// <summary>Parse + validate + re-serialize (compact JSON) of a post: the CPU every accepted event costs first.</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("""{"playerTime":{"playhead":120,"ts":1732500120000},"eventType":"ping"}""");

    private static readonly byte[] AdStart = Encoding.UTF8.GetBytes("""
        {"playerTime":{"playhead":70,"ts":1732500070000},"eventType":"adStart","params":{"media.ad.podPosition":1,"media.ad.id":"ad-6","media.ad.length":30,"media.ad.playerName":"web-player","media.ad.name":"Sponsor spot"},"customMetadata":{"campaign":"c-42"}}
        """);

    private static readonly byte[] SessionStart = Encoding.UTF8.GetBytes("""
        {"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid","visitor.marketingCloudOrgId":"ABC123@AdobeOrg","analytics.visitorId":"v-00000042","media.id":"vod-42","media.name":"Big Buck Bunny","media.length":1800,"media.contentType":"VOD","media.playerName":"web-player","media.channel":"movies","media.streamFormat":"HLS","analytics.enableSSL":true},"customMetadata":{"genre":"animation"},"qoeData":{}}
        """);

    private static readonly byte[] Array20 = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(Encoding.UTF8.GetString(AdStart), 10).Concat(Enumerable.Repeat(Encoding.UTF8.GetString(Ping), 10))) + "]");

    // Benchmarks must be instance methods; the limit is an instance field so they read instance data.
    private readonly int _maxEvents = 100;

    [Benchmark(Baseline = true)]
    public int ParsePing() => MediaEventParser.Parse(Ping, _maxEvents).Events.Count;

    [Benchmark]
    public int ParseAdStart() => MediaEventParser.Parse(AdStart, _maxEvents).Events.Count;

    [Benchmark]
    public int ParseSessionStart() => MediaEventParser.Parse(SessionStart, _maxEvents).Events.Count;

    [Benchmark]
    public int ParseArrayOf20() => MediaEventParser.Parse(Array20, _maxEvents).Events.Count;
}
