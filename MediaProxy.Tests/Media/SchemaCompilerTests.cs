using System.Text.Json;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Media;

/// <summary>
/// The draft-04 subset Adobe's schemas use, compiled and walked: what an upstream document may hold, what makes it
/// unusable, and the walk's promise that a valid event costs no allocation.
/// </summary>
public sealed class SchemaCompilerTests
{
    /// <summary>Adobe's published sample (mc-api-validate-reqs.md), its &lt;...&gt; cut repaired: a root $ref beside "type".</summary>
    private const string AdobeShape = """
        {"$schema":"https://json-schema.org/draft-04/schema#","id":"https://alpha.hb-api.omtrdc.net/api/v1/schemas/sessionStart",
         "definitions":{
          "playerTime":{"type":"object","properties":{"playhead":{"type":"number"},"ts":{"type":"integer"}},"required":["playhead","ts"],"additionalProperties":false},
          "qoeData":{"type":"object","properties":{"media.qoe.bitrate":{"type":"integer"}},"required":[],"additionalProperties":false},
          "customMetadata":{"type":"object","patternProperties":{"^[a-zA-Z0-9_\\.]+$":{"type":"string"}},"additionalProperties":false},
          "sessionStart":{"properties":{"eventType":{"type":"string","enum":["sessionStart"]},"playerTime":{"$ref":"#/definitions/playerTime"},
            "params":{"type":"object","properties":{"media.id":{"type":"string"},"media.length":{"type":"number"}},"required":["media.id"],"additionalProperties":false},
            "customMetadata":{"$ref":"#/definitions/customMetadata"},"qoeData":{"$ref":"#/definitions/qoeData"}},
           "required":["eventType","playerTime","params"],"additionalProperties":false}},
         "type":"object","$ref":"#/definitions/sessionStart"}
        """;

    [Theory]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media.id":"m"},"customMetadata":{"a":"b"}}""", null)]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media.length":1}}""", "params.media.id")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2.5},"eventType":"sessionStart","params":{"media.id":"m"}}""", "playerTime.ts")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media.id":"m"},"qoeData":{"x":1}}""", "qoeData.x")]
    [InlineData("""{"playerTime":{"playhead":1,"ts":2},"eventType":"sessionStart","params":{"media.id":"m"},"customMetadata":{"a b":"c"}}""", "customMetadata.a b")]
    public void Parse_AgainstAdobesPublishedShape_ItsRulesApply(string json, string? path)
    {
        var rules = MediaEventRules.Shipped.With(MediaEventSchema.Parse("sessionStart", AdobeShape, SchemaOrigin.Upstream));

        var result = MediaEventParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), 1, TrackingPolicy.None, rules);

        Assert.Equal(path is null ? [] : [path], result.Errors?.Keys ?? []);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"type":"object","properties":{"eventType":{"enum":["sessionStart"]}}}""")]
    [InlineData("""{"type":"object","properties":{"eventType":{"enum":["ping"]},"playerTime":{}}}""")]
    [InlineData("""{"type":"string"}""")]
    [InlineData("""{"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}}""")]
    [InlineData("""{"type":"object","properties":{"eventType":{"type":"strung"},"playerTime":{}}}""")]
    [InlineData("""{"type":"object","patternProperties":{"(":{}},"properties":{"eventType":{},"playerTime":{}}}""")]
    public void Parse_NotAUsableSchemaOfThatEventType_Refused(string document) =>
        Assert.Throws<InvalidSchemaException>(() => MediaEventSchema.Parse("sessionStart", document, SchemaOrigin.Upstream));

    [Fact]
    public void Parse_KeywordsIntakeDoesNotEnforce_ListedNotGuessed()
    {
        const string Document = """
            {"type":"object","properties":{"eventType":{"type":"string","pattern":"^s"},"playerTime":{"type":"object","maxProperties":2},
             "params":{"oneOf":[{"type":"object"}]}}}
            """;

        var schema = MediaEventSchema.Parse("sessionStart", Document, SchemaOrigin.Upstream);

        Assert.Equal(["#/properties/eventType/pattern", "#/properties/playerTime/maxProperties", "#/properties/params/oneOf"], schema.NotEnforced);
        Assert.Empty(MediaEventRules.Shipped.Schemas.SelectMany(s => s.NotEnforced));
    }

    [Fact]
    public void Parse_TypeArrayAndNumericEnum_BothAccepted()
    {
        const string Document = """
            {"type":"object","properties":{"eventType":{"enum":["ping"]},"playerTime":{},"params":{"type":"object",
             "properties":{"media.showType":{"type":["string","integer"]},"level":{"enum":[0,1,2]}}}}}
            """;
        var rules = MediaEventRules.Shipped.With(MediaEventSchema.Parse("ping", Document, SchemaOrigin.Upstream));

        Assert.True(Parse(rules, """{"eventType":"ping","playerTime":{},"params":{"media.showType":"0","level":2}}""").IsValid);
        Assert.True(Parse(rules, """{"eventType":"ping","playerTime":{},"params":{"media.showType":0}}""").IsValid);
        Assert.Equal(["params.media.showType", "params.level"], Parse(rules, """{"eventType":"ping","playerTime":{},"params":{"media.showType":0.5,"level":3}}""").Errors!.Keys);
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":120,"ts":1732500120000},"eventType":"ping"}""")]
    [InlineData("""{"playerTime":{"playhead":70,"ts":1732500070000},"eventType":"adStart","params":{"media.ad.podPosition":1,"media.ad.id":"ad-6","media.ad.length":30,"media.ad.playerName":"p"},"customMetadata":{"campaign":"c-42","tier":"gold"}}""")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"analytics.trackingServer":"t","media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c","media.resume":true,"visitor.customerIDs":{"crm":{"id":"42","authState":1}}},"qoeData":{"media.qoe.bitrate":5}}""")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1},"eventType":"statesUpdate","params":{"statesStart":[{"media.state.name":"mute"},{"media.state.name":"pip"}]}}""")]
    public void Validate_ValidEvent_AllocatesNothing(string json)
    {
        using var document = JsonDocument.Parse(json);
        var errors = new ErrorCollector();
        var rules = MediaEventRules.Shipped;
        Assert.NotNull(MediaEventValidator.Validate(document.RootElement, 3, errors, TrackingPolicy.None, rules)); // warm-up

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            MediaEventValidator.Validate(document.RootElement, 3, errors, TrackingPolicy.None, rules);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, errors.Count);
    }

    private static MediaEventParseResult Parse(MediaEventRules rules, string json) =>
        MediaEventParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), 1, TrackingPolicy.None, rules);
}
