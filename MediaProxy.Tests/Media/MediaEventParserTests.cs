using System.Text;
using System.Text.Json;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Media;

/// <summary>
/// The Media Collection event schemas as the proxy enforces them (the shipped copy, <c>Media/Schemas/*.json</c>, built
/// from Adobe's reference): what is accepted, what is refused and under which error path. A post is all-or-nothing.
/// Adobe's own examples are replayed in <see cref="Conformance.AdobeExamplesTests"/>.
/// </summary>
public sealed class MediaEventParserTests
{
    private const int MaxEvents = 100;

    private const string Ping = """{"playerTime":{"playhead":12.5,"ts":1732500012500},"eventType":"ping"}""";

    /// <summary>Valid params of every event type that has required params (the params table), with the usual optional ones.</summary>
    private static readonly Dictionary<string, string> RequiredParams = new(StringComparer.Ordinal)
    {
        ["sessionStart"] = """
            "analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid",
            "visitor.marketingCloudOrgId":"ABC123@AdobeOrg","media.id":"vod-42","media.length":1800,
            "media.contentType":"VOD","media.playerName":"web-player","media.channel":"movies"
            """,
        ["adBreakStart"] = """ "media.ad.podIndex":1,"media.ad.podSecond":0 """,
        ["adStart"] = """ "media.ad.podPosition":1,"media.ad.id":"ad-1","media.ad.length":15.5,"media.ad.playerName":"p" """,
        ["chapterStart"] = """ "media.chapter.index":2,"media.chapter.offset":120.5,"media.chapter.length":600 """,
        ["stateStart"] = """ "media.state.name":"fullscreen" """,
        ["stateEnd"] = """ "media.state.name":"fullscreen" """,
        ["error"] = """ "media.errorId":"E42","media.errorSource":"player" """,
        ["statesUpdate"] = """ "statesStart":[{"media.state.name":"mute"}],"statesEnd":[{"media.state.name":"fullscreen"}] """,
    };

    public static TheoryData<string> AllEventTypes => new(
        "sessionStart", "sessionComplete", "sessionEnd", "play", "ping", "bufferStart", "pauseStart", "bitrateChange",
        "error", "adBreakStart", "adBreakComplete", "adStart", "adComplete", "adSkip", "chapterStart",
        "chapterComplete", "chapterSkip", "stateStart", "stateEnd", "statesUpdate");

    [Theory]
    [MemberData(nameof(AllEventTypes))]
    public void Parse_ValidSingleEventOfEachType_OneEventOfThatType(string eventType)
    {
        var json = Event(eventType, RequiredParams.GetValueOrDefault(eventType));

        var result = Parse(json);

        Assert.True(result.IsValid, Describe(result));
        var parsed = Assert.Single(result.Events);
        Assert.Equal(eventType, parsed.EventType);
        Assert.Equal(Compact(json), parsed.Json);
    }

    [Fact]
    public void Parse_ValidArray_EventsInTheOrderSent()
    {
        var types = new[] { "sessionStart", "play", "ping", "adBreakStart", "adStart", "adComplete", "pauseStart", "sessionComplete", "ping", "sessionEnd" };
        var json = "[" + string.Join(",", types.Select((t, i) => Event(t, RequiredParams.GetValueOrDefault(t), ts: 1732500000000 + i))) + "]";

        var result = Parse(json);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(types, result.Events.Select(e => e.EventType));
        Assert.Equal(Enumerable.Range(0, types.Length).Select(i => 1732500000000L + i), result.Events.Select(Ts));
    }

    [Fact]
    public void Parse_NonAsciiAndHtmlCharacters_ForwardedAsSentNotEscaped()
    {
        const string Sent = """{"playerTime":{"playhead":1,"ts":1732500001000},"eventType":"stateStart","params":{"media.state.name":"Café <b> & 'x' 日本"}}""";

        var result = Parse(Sent);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(Sent, Assert.Single(result.Events).Json);
    }

    [Fact]
    public void Parse_IndentedEvent_CompactJsonWithNumbersAsWritten()
    {
        const string Indented = """
            {
              "playerTime": { "playhead": 4.250, "ts": 1732500008000 },
              "eventType": "sessionStart",
              "params": { "analytics.trackingServer": "t", "analytics.reportSuite": "r", "visitor.marketingCloudOrgId": "o",
                "media.id": "m", "media.length": 1.8e3, "media.contentType": "VOD", "media.playerName": "p", "media.channel": "c" }
            }
            """;

        var result = Parse(Indented);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(
            """{"playerTime":{"playhead":4.250,"ts":1732500008000},"eventType":"sessionStart","params":{"analytics.trackingServer":"t","analytics.reportSuite":"r","visitor.marketingCloudOrgId":"o","media.id":"m","media.length":1.8e3,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}""",
            Assert.Single(result.Events).Json);
    }

    [Fact]
    public void Parse_TextWithEscapesAndNonAscii_SameValues()
    {
        const string Json = """{"playerTime":{"playhead":1,"ts":2},"eventType":"adStart","params":{"media.ad.podPosition":1,"media.ad.id":"\u00e9t\u00e9 \"1\" <b>","media.ad.length":15,"media.ad.playerName":"Café & 'co' +1 日本"},"customMetadata":{"tag":"a\\b\/c"}}""";

        var result = Parse(Json);

        Assert.True(result.IsValid, Describe(result));
        using var sent = JsonDocument.Parse(Json);
        using var kept = JsonDocument.Parse(Assert.Single(result.Events).Json);
        Assert.True(JsonElement.DeepEquals(sent.RootElement, kept.RootElement), Assert.Single(result.Events).Json);
    }

    [Theory]
    [InlineData(1732500009000, 1732500008000)]
    [InlineData(1732500009000, 1732500009000)]
    public void Parse_DecreasingOrEqualTsBetweenEvents_AcceptedInOrderUnchanged(long firstTs, long secondTs)
    {
        var result = Parse($"[{Event("play", ts: firstTs)},{Event("ping", ts: secondTs)}]");

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal([firstTs, secondTs], result.Events.Select(Ts));
    }

    [Fact]
    public void Parse_ExactlyMaxEvents_Valid()
    {
        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes($"[{Ping},{Ping},{Ping}]"), maxEvents: 3);

        Assert.Equal(3, result.Events.Count);
    }

    [Fact]
    public void Parse_MoreThanMaxEvents_ErrorAtRoot()
    {
        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes($"[{Ping},{Ping},{Ping},{Ping}]"), maxEvents: 3);

        AssertOnlyError(result, "$");
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"eventType\":\"ping\"")]
    [InlineData("{\"playerTime\":{\"playhead\":12.5,\"ts\":1732500012500},\"eventType\":\"ping\"} x")]
    [InlineData("{\"playerTime\":{\"playhead\":12.5,\"ts\":1732500012500},\"eventType\":\"ping\"}{}")]
    [InlineData("{\"playerTime\":{\"playhead\":12.5,\"ts\":1732500012500},\"eventType\":\"ping\",}")]
    [InlineData("{\"playerTime\":{\"playhead\":12.5,\"ts\":1732500012500},/* c */\"eventType\":\"ping\"}")]
    [InlineData("{\"playerTime\":{\"playhead\":12.5,\"ts\":1732500012500},\"eventType\":\"play\",\"eventType\":\"ping\"}")]
    [InlineData("{\"playerTime\":{\"playhead\":1,\"playhead\":2,\"ts\":1},\"eventType\":\"ping\"}")]
    [InlineData("{\"playerTime\":{\"playhead\":1,\"ts\":1},\"eventType\":\"ping\",\"params\":{\"a\":1,\"a\":2}}")]
    [InlineData("42")]
    [InlineData("\"x\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[]")]
    public void Parse_NotAnEventOrArrayOfEvents_ErrorAtRoot(string json) => AssertOnlyError(Parse(json), "$");

    [Fact]
    public void Parse_InvalidUtf8_ErrorAtRoot()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"eventType\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];

        AssertOnlyError(MediaEventParser.Parse(body, MaxEvents), "$");
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1}}""", "eventType")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"dance"}""", "eventType")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"Ping"}""", "eventType")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":7}""", "eventType")]
    [InlineData("""{"eventType":"ping"}""", "playerTime")]
    [InlineData("""{"playerTime":[0,1],"eventType":"ping"}""", "playerTime")]
    [InlineData("""{"playerTime":{"ts":1},"eventType":"ping"}""", "playerTime.playhead")]
    [InlineData("""{"playerTime":{"playhead":-0.5,"ts":1},"eventType":"ping"}""", "playerTime.playhead")]
    [InlineData("""{"playerTime":{"playhead":"3","ts":1},"eventType":"ping"}""", "playerTime.playhead")]
    [InlineData("""{"playerTime":{"playhead":0},"eventType":"ping"}""", "playerTime.ts")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1732500000000.5},"eventType":"ping"}""", "playerTime.ts")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":"1732500000000"},"eventType":"ping"}""", "playerTime.ts")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":-1},"eventType":"ping"}""", "playerTime.ts")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1,"tz":"UTC"},"eventType":"ping"}""", "playerTime.tz")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","sessionId":"abc"}""", "sessionId")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","params":[]}""", "params")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","params":{"x":{"y":1}}}""", "params.x")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","params":{"x":null}}""", "params.x")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"play","customMetadata":{"genre":"drama"}}""", "customMetadata.genre")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","customMetadata":[]}""", "customMetadata")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","params":{"media.id":"m"}}""", "params.media.id")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"play","params":{"test.seq":1}}""", "params.test.seq")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"analytics.visitorID":"v","media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}""", "params.analytics.visitorID")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"media.id":"","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}""", "params.media.id")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c","visitor.customerIDs":{"crm":{"id":"42","authState":3}}}}""", "params.visitor.customerIDs.crm.authState")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c","visitor.customerIDs":{"crm":"42"}}}""", "params.visitor.customerIDs.crm")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"},"customMetadata":{"a.media.name":"x"}}""", "customMetadata.a.media.name")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"statesUpdate","params":{"statesStart":[{"media.state.name":"mute"},{"media.state.name":"pip","name":"pip"}]}}""", "params.statesStart[1].name")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"statesUpdate","params":{"statesEnd":[{}]}}""", "params.statesEnd[0].media.state.name")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"play","qoeData":{"droppedFrames":2}}""", "qoeData.droppedFrames")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"play","qoeData":{"media.qoe.errorID":"E1"}}""", "qoeData.media.qoe.errorID")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"adStart","params":{"media.ad.podPosition":1,"media.ad.id":"a","media.ad.length":1,"media.ad.playerName":"p"},"customMetadata":{"n":1}}""", "customMetadata.n")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"adStart","params":{"media.ad.podPosition":1,"media.ad.id":"a","media.ad.length":1,"media.ad.playerName":"p"},"customMetadata":{"bad key":"v"}}""", "customMetadata.bad key")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"chapterStart","params":{"media.chapter.index":1,"media.chapter.offset":0,"media.chapter.length":1},"customMetadata":"x"}""", "customMetadata")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","qoeData":{"media.qoe.bitrate":1.5}}""", "qoeData.media.qoe.bitrate")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","qoeData":{"media.qoe.droppedFrames":"3"}}""", "qoeData.media.qoe.droppedFrames")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"ping","qoeData":[1]}""", "qoeData")]
    public void Parse_InvalidEvent_ErrorAtThatField(string json, string path) => AssertOnlyError(Parse(json), path);

    [Theory]
    [InlineData("sessionStart", "media.id")]
    [InlineData("sessionStart", "media.length")]
    [InlineData("sessionStart", "media.contentType")]
    [InlineData("sessionStart", "media.playerName")]
    [InlineData("sessionStart", "media.channel")]
    [InlineData("adBreakStart", "media.ad.podIndex")]
    [InlineData("adBreakStart", "media.ad.podSecond")]
    [InlineData("adStart", "media.ad.podPosition")]
    [InlineData("adStart", "media.ad.id")]
    [InlineData("adStart", "media.ad.length")]
    [InlineData("chapterStart", "media.chapter.index")]
    [InlineData("chapterStart", "media.chapter.offset")]
    [InlineData("chapterStart", "media.chapter.length")]
    [InlineData("stateStart", "media.state.name")]
    [InlineData("stateEnd", "media.state.name")]
    public void Parse_RequiredParamMissing_ErrorAtParamPathSingleAndIndexedInArray(string eventType, string param)
    {
        var without = string.Join(",", RequiredParams[eventType].Split(',').Where(p => !p.Contains($"\"{param}\"", StringComparison.Ordinal)));
        var json = Event(eventType, without);

        AssertOnlyError(Parse(json), $"params.{param}");
        AssertOnlyError(Parse($"[{Ping},{json}]"), $"[1].params.{param}");
    }

    [Theory]
    [InlineData("sessionStart", "media.length", "\"1800\"")]
    [InlineData("sessionStart", "media.id", "42")]
    [InlineData("adBreakStart", "media.ad.podIndex", "1.5")]
    [InlineData("adBreakStart", "media.ad.podSecond", "\"0\"")]
    [InlineData("adStart", "media.ad.podPosition", "true")]
    [InlineData("adStart", "media.ad.length", "\"15\"")]
    [InlineData("chapterStart", "media.chapter.index", "2.5")]
    [InlineData("stateStart", "media.state.name", "1")]
    [InlineData("error", "media.errorSource", "false")]
    [InlineData("sessionStart", "media.resume", "\"true\"")]
    [InlineData("sessionStart", "analytics.enableSSL", "1")]
    [InlineData("sessionStart", "visitor.aamLocationHint", "\"9\"")]
    [InlineData("sessionStart", "analytics.optOutShare", "\"yes\"")]
    [InlineData("sessionStart", "media.name", "5")]
    [InlineData("sessionStart", "media.episode", "3")]
    [InlineData("sessionStart", "visitor.customerIDs", "\"crm:42\"")]
    [InlineData("sessionStart", "media.qoe.timeToStart", "1.5")]
    [InlineData("adStart", "media.ad.playerName", "\"\"")]
    [InlineData("statesUpdate", "statesStart", "{}")]
    public void Parse_ParamOfWrongType_ErrorAtParamPath(string eventType, string param, string value)
    {
        var replaced = RequiredParams[eventType].Split(',').Where(p => !p.Contains($"\"{param}\"", StringComparison.Ordinal)).Append($"\"{param}\":{value}");

        AssertOnlyError(Parse(Event(eventType, string.Join(",", replaced))), $"params.{param}");
    }

    [Theory]
    [InlineData("""[{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionEnd"},{"playerTime":{"playhead":0,"ts":2},"eventType":"ping"}]""", "[1].eventType")]
    [InlineData("""[{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionEnd"},{"playerTime":{"playhead":0,"ts":2},"eventType":"sessionComplete"}]""", "[1].eventType")]
    [InlineData("""[{"playerTime":{"playhead":0,"ts":1},"eventType":"play"},{"playerTime":{"playhead":0,"ts":2},"eventType":"sessionEnd"},{"playerTime":{"playhead":0,"ts":3},"eventType":"ping"}]""", "[2].eventType")]
    [InlineData("""[{"playerTime":{"playhead":0,"ts":1},"eventType":"play"},42]""", "[1]")]
    [InlineData("""[{"playerTime":{"playhead":0,"ts":1},"eventType":"play"},[]]""", "[1]")]
    public void Parse_ArrayWithOneBadEvent_WholePostRefusedWithIndexedPath(string json, string path) => AssertOnlyError(Parse(json), path);

    [Fact]
    public void Parse_SeveralBadEventsInArray_EveryErrorReported()
    {
        var json = $$"""[{"playerTime":{"playhead":0,"ts":0.5},"eventType":"play"},{{Ping}},{{Event("adStart", """ "media.ad.podPosition":1 """)}}]""";

        var result = Parse(json);

        Assert.Empty(result.Events);
        Assert.Equal(
            ["[0].playerTime.ts", "[2].params.media.ad.id", "[2].params.media.ad.length"],
            result.Errors!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_InvalidEventBeforeEndEventThenMore_ErrorsNotException()
    {
        var json = """[{"eventType":"dance"},{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionEnd"},{"playerTime":{"playhead":0,"ts":2},"eventType":"ping"}]""";

        var result = Parse(json);

        Assert.False(result.IsValid);
        Assert.Contains("[0].eventType", result.Errors!.Keys);
        Assert.Contains("[2].eventType", result.Errors!.Keys);
    }

    [Fact]
    public void Parse_RepeatedSessionEndInOnePost_TheFirstKeptTheRepeatAcknowledged()
    {
        var json = """[{"playerTime":{"playhead":5,"ts":1},"eventType":"sessionEnd"},{"playerTime":{"playhead":5,"ts":2},"eventType":"sessionEnd"}]""";

        var result = Parse(json);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(1L, Ts(Assert.Single(result.Events)));
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"error"}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"ping","params":{}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"ping","params":{},"qoeData":{},"customMetadata":{}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"play","qoeData":{"bitrate":10000}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"bitrateChange","params":{"media.qoe.bitrate":4500}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"adStart","params":{"media.ad.id":"ad","media.ad.length":15,"media.ad.podPosition":0}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media.channel":"c","media.playerName":"p","media.contentType":"vod","media.length":128,"media.id":"v"}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media\u002eid":"v","media.length":1,"media.contentType":"vod","media.playerName":"p","media.channel":"c"}}""")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"chapterStart","params":{"media.chapter.index":1,"media.chapter.offset":0,"media.chapter.length":240},"customMetadata":{"\u0067enre":"x"}}""")]
    public void Parse_ShapesAdobesPagesSend_Valid(string json)
    {
        var result = Parse(json);

        Assert.True(result.IsValid, Describe(result));
        Assert.Single(result.Events);
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"stateStart","params":{"media.state.name":"\ud800"}}""", "params.media.state.name")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"stateStart","params":{"media.state.name":"x\udc00y"}}""", "params.media.state.name")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"stateStart","params":{"media.state.name":"\ud83d\ud83d\ude00"}}""", "params.media.state.name")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"ping","params":{"x\ud800":1}}""", "params.x\\ud800")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"\udfff"}""", "eventType")]
    [InlineData("""[{"playerTime":{"playhead":1,"ts":2},"eventType":"ping"},{"playerTime":{"playhead":1,"ts":2},"eventType":"adStart","params":{"media.ad.id":"\ud800","media.ad.length":1,"media.ad.podPosition":1}}]""", "[1].params.media.ad.id")]
    public void Parse_LoneUtf16Surrogate_ErrorAtThatField(string json, string path) => AssertOnlyError(Parse(json), path);

    [Fact]
    public void Parse_PairedSurrogatesAndEscapedBackslashU_Valid()
    {
        const string Json = """{"playerTime":{"playhead":1,"ts":2},"eventType":"stateStart","params":{"media.state.name":"\ud83d\ude00 \\ud800"}}""";

        var result = Parse(Json);

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal("😀 \\ud800", JsonDocument.Parse(Assert.Single(result.Events).Json).RootElement.GetProperty("params").GetProperty("media.state.name").GetString());
    }

    [Fact]
    public void Parse_OptionalParamsCustomMetadataAndQoeWhereAllowed_Valid()
    {
        var json = Event("sessionStart", RequiredParams["sessionStart"] + ""","media.name":"Big Buck Bunny","media.resume":true,"analytics.enableSSL":false,"media.episode":"3","visitor.customerIDs":{"crm":{"id":"42","authState":1}}""",
            extra: """ "customMetadata":{"genre":"animation","a_b.c9":""},"qoeData":{"media.qoe.bitrate":3000000,"media.qoe.timeToStart":-1} """);

        var result = Parse($"[{json},{Event("ping", extra: "\"qoeData\":{\"media.qoe.droppedFrames\":0}")}]");

        Assert.True(result.IsValid, Describe(result));
        Assert.Equal(2, result.Events.Count);
    }

    private static MediaEventParseResult Parse(string json) => MediaEventParser.Parse(Encoding.UTF8.GetBytes(json), MaxEvents);

    private static string Event(string eventType, string? parameters = null, long ts = 1732500001000, string? extra = null) =>
        $$"""{"playerTime":{"playhead":1,"ts":{{ts}}},"eventType":"{{eventType}}"{{(parameters is null ? "" : $",\"params\":{{{parameters.Trim()}}}")}}{{(extra is null ? "" : "," + extra.Trim())}}}""";

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }

    private static long Ts(PlaybackEvent e)
    {
        using var document = JsonDocument.Parse(e.Json);
        return document.RootElement.GetProperty("playerTime").GetProperty("ts").GetInt64();
    }

    /// <summary>Refused whole, with an error at <paramref name="path"/> and nowhere else.</summary>
    private static void AssertOnlyError(MediaEventParseResult result, string path)
    {
        Assert.False(result.IsValid, $"accepted, expected an error at {path}");
        Assert.Empty(result.Events);
        Assert.True(result.Errors!.Keys.SequenceEqual([path]), $"expected an error at {path} only; got {Describe(result)}");
        Assert.NotEmpty(result.Errors[path].Single());
    }

    private static string Describe(MediaEventParseResult result) =>
        result.Errors is null ? "valid" : string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" | ", e.Value)}"));
}
