using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Media;

/// <summary>The one rewrite the proxy makes: the sessionStart of a replacement session carries media.resume.</summary>
public sealed class MediaEventJsonTests
{
    private const string SessionStart = """
        {"playerTime":{"playhead":42.5,"ts":1732500000000},"eventType":"sessionStart","params":{
        "analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid",
        "visitor.marketingCloudOrgId":"ABC123@AdobeOrg","media.id":"vod-42","media.length":1800,
        "media.contentType":"VOD","media.playerName":"web-player","media.channel":"movies","media.name":"Big Buck Bunny"},
        "customMetadata":{"genre":"animation"},"qoeData":{"media.qoe.bitrate":3000000}}
        """;

    [Fact]
    public void WithResume_SessionStart_AddsResumeTrueAndKeepsEverythingElse()
    {
        var resumed = JsonNode.Parse(MediaEventJson.WithResume(SessionStart))!.AsObject();

        Assert.True(resumed["params"]!["media.resume"]!.GetValue<bool>());
        resumed["params"]!.AsObject().Remove("media.resume");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(SessionStart), resumed), resumed.ToJsonString());
    }

    [Fact]
    public void WithResume_ResumeFalse_BecomesTrue()
    {
        var start = SessionStart.Replace("\"media.id\":", "\"media.resume\":false,\"media.id\":", StringComparison.Ordinal);

        var resumed = JsonNode.Parse(MediaEventJson.WithResume(start))!;

        Assert.True(resumed["params"]!["media.resume"]!.GetValue<bool>());
    }

    [Fact]
    public void WithResume_NoParams_ParamsWithResumeOnly()
    {
        var resumed = JsonNode.Parse(MediaEventJson.WithResume("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart"}"""))!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"media.resume":true}"""), resumed["params"]));
    }

    [Fact]
    public void WithResume_ValidSessionStart_StillAValidSessionStart()
    {
        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(MediaEventJson.WithResume(SessionStart)), maxEvents: 1);

        Assert.True(result.IsValid);
        Assert.True(Assert.Single(result.Events).IsSessionStart);
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionComplete"}""", "sessionComplete")]
    [InlineData("""{"eventType":"adStart","params":{"eventType":"x"}}""", "adStart")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1}}""", "")]
    public void ReadEventType_StoredEvent_ItsEventType(string json, string expected) =>
        Assert.Equal(expected, MediaEventJson.ReadEventType(json));

    [Fact]
    public void WithResume_PlayerTime_Untouched()
    {
        using var resumed = JsonDocument.Parse(MediaEventJson.WithResume(SessionStart));

        Assert.Equal("""{"playhead":42.5,"ts":1732500000000}""", resumed.RootElement.GetProperty("playerTime").GetRawText());
    }
}
