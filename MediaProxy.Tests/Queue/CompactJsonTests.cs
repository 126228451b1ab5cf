using MediaProxy.Core.Queue;
using MediaProxy.Tests.Conformance;

namespace MediaProxy.Tests.Queue;

/// <summary>The store packs event JSON; what comes back out is the exact text that went in, and costs less.</summary>
public sealed class CompactJsonTests
{
    public static TheoryData<string> AdobeBodies =>
        [.. AdobeDocs.Timelines.SelectMany(t => AdobeDocs.WithTimestamps(t.Events, 1_732_500_000_000)).Concat(AdobeDocs.Events).Select(p => p.Source)];

    [Theory]
    [MemberData(nameof(AdobeBodies))]
    public void Unpack_PackedAdobeExample_IsTheExactTextAndShorter(string source)
    {
        var json = Body(source);

        var packed = CompactJson.Pack(json);

        Assert.Equal(json, CompactJson.Unpack(packed));
        Assert.True(packed.Length < json.Length * 0.8, $"{packed.Length} of {json.Length} characters");
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"ping"}""")]
    [InlineData("""{ "playerTime" : { "playhead" : 1 } ,	"eventType":"ping"}""")]
    [InlineData("""{"params":{"media.name":"\"media.\",\"},\"\u001F\u0001"},"x":":true}}"}""")]
    [InlineData("{\"eventType\":\"play\",\"customMetadata\":{\"k\":\"ünïcödé 🎬 \\\"}}\"}}\r\n")]
    [InlineData("")]
    [InlineData("{}")]
    public void Unpack_PackedText_IsTheExactText(string json) =>
        Assert.Equal(json, CompactJson.Unpack(CompactJson.Pack(json)));

    [Theory]
    [InlineData("{\"a\":\"\u0001\"}")]
    [InlineData("\u001F{\"playerTime\":{\"playhead\":1}}")]
    public void Pack_TextHoldingAControlCharacter_IsStoredAsItIs(string text) =>
        Assert.Equal(text, CompactJson.Pack(text));

    [Fact]
    public void Unpack_TextWrittenBeforePacking_IsReadAsItIs()
    {
        const string Json = """{"playerTime":{"playhead":0,"ts":1},"eventType":"play","params":{}}""";

        Assert.Equal(Json, CompactJson.Unpack(Json));
    }

    [Fact]
    public void Pack_TypicalPing_TakesUnderHalfItsCharacters()
    {
        const string Ping = """{"playerTime":{"playhead":120,"ts":1732500120000},"eventType":"ping"}""";

        var packed = CompactJson.Pack(Ping);

        Assert.StartsWith(CompactJson.Marker.ToString(), packed, StringComparison.Ordinal);
        Assert.True(packed.Length * 2 < Ping.Length, $"{packed.Length} of {Ping.Length} characters");
    }

    private static string Body(string source) =>
        AdobeDocs.Timelines.SelectMany(t => AdobeDocs.WithTimestamps(t.Events, 1_732_500_000_000)).Concat(AdobeDocs.Events).First(p => p.Source == source).Json;
}
