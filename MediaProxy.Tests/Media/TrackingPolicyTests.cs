using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Media;

/// <summary>Tracking params owned by the proxy: filled in, and a player's differing value refused or overridden.</summary>
public sealed class TrackingPolicyTests
{
    private const string WithoutTracking = """
        {"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"m","media.length":60,
        "media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}
        """;

    private static readonly TrackingOptions Owned = new()
    {
        TrackingServer = "proxy.sc.omtrdc.net",
        ReportSuite = "proxyrsid",
        MarketingCloudOrgId = "PROXY@AdobeOrg",
        EnableSsl = true,
    };

    [Fact]
    public void Parse_OwnedParamsOmitted_FilledInByTheProxy()
    {
        var result = Parse(WithoutTracking, Owned);

        Assert.True(result.IsValid, string.Join("; ", result.Errors?.Keys ?? []));
        var parameters = Params(result);
        Assert.Equal("proxyrsid", parameters.GetProperty("analytics.reportSuite").GetString());
        Assert.Equal("proxy.sc.omtrdc.net", parameters.GetProperty("analytics.trackingServer").GetString());
        Assert.Equal("PROXY@AdobeOrg", parameters.GetProperty("visitor.marketingCloudOrgId").GetString());
        Assert.True(parameters.GetProperty("analytics.enableSSL").GetBoolean());
        Assert.Equal("m", parameters.GetProperty("media.id").GetString());
    }

    [Fact]
    public void Parse_PlayerSendsAnotherReportSuite_RejectedNamingTheParam()
    {
        var result = Parse(WithoutTracking.Replace("\"media.id\"", "\"analytics.reportSuite\":\"theirs\",\"media.id\"", StringComparison.Ordinal), Owned);

        Assert.False(result.IsValid);
        Assert.Equal(["params.analytics.reportSuite"], result.Errors!.Keys);
    }

    [Fact]
    public void Parse_PlayerSendsAnotherReportSuiteInOverrideMode_ProxyValueWins()
    {
        var overriding = new TrackingOptions { ReportSuite = "proxyrsid", OnMismatch = TrackingMismatch.Override };
        var json = WithoutTracking.Replace("\"media.id\"", "\"analytics.reportSuite\":\"theirs\",\"analytics.trackingServer\":\"t\",\"visitor.marketingCloudOrgId\":\"o\",\"media.id\"", StringComparison.Ordinal);

        var result = Parse(json, overriding);

        Assert.True(result.IsValid);
        Assert.Equal("proxyrsid", Params(result).GetProperty("analytics.reportSuite").GetString());
    }

    [Fact]
    public void Parse_PlayerSendsTheSameValue_Accepted()
    {
        var json = WithoutTracking.Replace("\"media.id\"", "\"analytics.reportSuite\":\"proxyrsid\",\"media.id\"", StringComparison.Ordinal);

        Assert.True(Parse(json, Owned).IsValid);
    }

    [Fact]
    public void Parse_NothingOwnedAndTrackingParamsOmitted_ForwardedAsSent()
    {
        // Adobe's session-start page sends exactly this (no tracking params): the shipped schema does not require them.
        var result = Parse(WithoutTracking, new TrackingOptions());

        Assert.True(result.IsValid, string.Join("; ", result.Errors?.Keys ?? []));
        Assert.False(Params(result).TryGetProperty("analytics.reportSuite", out _));
    }

    [Fact]
    public void Parse_UpstreamSchemaRequiresTrackingParams_OwnedOnesMayBeOmittedOthersMayNot()
    {
        var strict = RequiringTrackingParams();
        var owningReportSuite = new TrackingOptions { ReportSuite = "proxyrsid" };

        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(WithoutTracking), 100, new TrackingPolicy(owningReportSuite), strict);

        Assert.Equal(["params.analytics.trackingServer"], result.Errors!.Keys);
        var owningBoth = new TrackingOptions { ReportSuite = "proxyrsid", TrackingServer = "proxy.sc.omtrdc.net" };
        Assert.True(MediaEventParser.Parse(Encoding.UTF8.GetBytes(WithoutTracking), 100, new TrackingPolicy(owningBoth), strict).IsValid);
    }

    [Fact]
    public void Parse_SimulatorUpstreamAndNothingOwned_DemoValuesFillTheMissingParams()
    {
        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(WithoutTracking), 100, new TrackingPolicy(new TrackingOptions(), fillSimulatorDemoParams: true), MediaEventRules.Shipped);

        Assert.True(result.IsValid, string.Join("; ", result.Errors?.Keys ?? []));
        var parameters = Params(result);
        Assert.All(TrackingPolicy.SimulatorDemoParams, p => Assert.Equal(p.Value, parameters.GetProperty(p.Key).GetString()));
    }

    [Fact]
    public void Parse_SimulatorUpstreamAndThePlayersOwnValues_KeptAsSent()
    {
        var json = WithoutTracking.Replace("\"media.id\"", "\"analytics.reportSuite\":\"theirs\",\"media.id\"", StringComparison.Ordinal);

        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(json), 100, new TrackingPolicy(new TrackingOptions(), fillSimulatorDemoParams: true), MediaEventRules.Shipped);

        Assert.True(result.IsValid);
        Assert.Equal("theirs", Params(result).GetProperty("analytics.reportSuite").GetString());
        Assert.Equal("mediaproxydemo", TrackingPolicy.SimulatorDemoParams["analytics.reportSuite"]);
    }

    [Fact]
    public void Parse_SimulatorUpstreamAndOwnedParams_OwnedValuesWin()
    {
        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(WithoutTracking), 100, new TrackingPolicy(Owned, fillSimulatorDemoParams: true), MediaEventRules.Shipped);

        Assert.Equal("proxyrsid", Params(result).GetProperty("analytics.reportSuite").GetString());
    }

    [Fact]
    public void Parse_OtherEventTypes_LeftAsSent()
    {
        const string Ping = """{"playerTime":{"playhead":1,"ts":1732500001000},"eventType":"ping"}""";

        Assert.Equal(Ping, Assert.Single(Parse(Ping, Owned).Events).Json);
    }

    /// <summary>The shipped rules with a sessionStart schema that requires two tracking params, as the params table marks them.</summary>
    private static MediaEventRules RequiringTrackingParams()
    {
        var document = JsonNode.Parse(MediaEventRules.Shipped.Find("sessionStart")!.Document)!;
        var required = document["definitions"]!["sessionStart"]!["properties"]!["params"]!["required"]!.AsArray();
        required.Add("analytics.trackingServer");
        required.Add("analytics.reportSuite");
        return MediaEventRules.Shipped.With(MediaEventSchema.Parse("sessionStart", document.ToJsonString(), SchemaOrigin.Upstream));
    }

    private static MediaEventParseResult Parse(string json, TrackingOptions options) =>
        MediaEventParser.Parse(Encoding.UTF8.GetBytes(json), 100, new TrackingPolicy(options), MediaEventRules.Shipped);

    private static JsonElement Params(MediaEventParseResult result) =>
        JsonDocument.Parse(Assert.Single(result.Events).Json).RootElement.GetProperty("params").Clone();
}
