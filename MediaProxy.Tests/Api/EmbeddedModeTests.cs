using System.Net;
using System.Text.Json;
using MediaProxy.Core.Media;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Nothing configured: the embedded store (Garnet in the process, in memory) and the built-in simulated upstream,
/// which must still queue, replay and go live, and show what the upstream received.
/// </summary>
public sealed class EmbeddedModeTests : IAsyncLifetime
{
    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?>
    {
        ["MediaProxy:Simulator:SessionLatency"] = "00:00:00.300",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PostEvents_NoConfiguration_QueuedThenReplayedToTheSimulator()
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(_app.CreateClient());

        var (status, body) = await client.PostAsync(key, TestEvents.SessionStart(key));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("starting", body.GetProperty("state").GetString());
        await client.PostAsync(key, TestEvents.Array([TestEvents.AdobePing(1), TestEvents.AdobePing(2)]));
        await client.WaitForStateAsync(key, "live");
        await client.PostAsync(key, TestEvents.AdobePing(3));

        using var sessions = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/simulator/sessions"));
        var session = Assert.Single(sessions.RootElement.EnumerateArray(), s => s.GetProperty("sessionStart").GetProperty("params").GetProperty("media.id").GetString() == key);
        Assert.Equal(["ping", "ping", "ping"], session.GetProperty("eventTypes").EnumerateArray().Select(e => e.GetString()));
        // The bodies as JSON objects, not strings of escaped JSON.
        Assert.Equal([1, 2, 3], session.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("playerTime").GetProperty("playhead").GetInt32()));
        Assert.Equal(3, (await client.GetAsync(key)).Forwarded);
    }

    [Fact]
    public async Task PostEvents_SessionStartWithMediaParamsOnly_SimulatorGetsDemoTrackingParams()
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(_app.CreateClient());
        var mediaOnly = $$$"""
            {"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"{{{key}}}",
            "media.length":60,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}
            """;

        var (status, body) = await client.PostAsync(key, mediaOnly);
        await client.WaitForStateAsync(key, "live");

        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        using var sessions = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/simulator/sessions"));
        var session = Assert.Single(sessions.RootElement.EnumerateArray(), s => s.GetProperty("sessionStart").GetProperty("params").GetProperty("media.id").GetString() == key);
        var received = session.GetProperty("sessionStart").GetProperty("params");
        Assert.Equal("mediaproxy-demo.sc.omtrdc.net", received.GetProperty("analytics.trackingServer").GetString());
        Assert.Equal("mediaproxydemo", received.GetProperty("analytics.reportSuite").GetString());
        Assert.Equal("MEDIAPROXYDEMO@AdobeOrg", received.GetProperty("visitor.marketingCloudOrgId").GetString());
    }

    [Fact]
    public async Task SimulatorSchemas_ServedFromTheShippedRulesWhichItAppliesToo()
    {
        using var http = _app.CreateClient();

        var ping = await http.GetStringAsync("/simulator/api/v1/schemas/ping");
        var inForce = await http.GetStringAsync("/api/v1/schemas/ping");
        using var refused = await http.PostAsync("/simulator/api/v1/sessions", new StringContent(
            """{"playerTime":{"playhead":0,"ts":1},"eventType":"sessionStart","params":{"media.id":"m","media.length":1,"media.contentType":"VOD","media.playerName":"p","media.channel":"c","analytics.visitorID":"typo"}}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(MediaEventRules.Shipped.Find("ping")!.Document, ping);
        Assert.Equal(ping, inForce);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("params.analytics.visitorID", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_EmbeddedStore_Healthy()
    {
        using var response = await _app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task SwaggerJson_Served_DocumentsPlayerApiWithExamples()
    {
        var json = await _app.CreateClient().GetStringAsync("/swagger/v1/swagger.json");
        using var document = JsonDocument.Parse(json);

        var post = document.RootElement.GetProperty("paths").GetProperty("/v1/playbacks/{playbackKey}/events").GetProperty("post");
        var examples = post.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("examples");
        Assert.True(examples.TryGetProperty("sessionStart", out _));
        Assert.True(examples.TryGetProperty("array (in order)", out _));
        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty("/v1/playbacks/{playbackKey}", out _));
    }

    [Fact]
    public async Task SwaggerJson_EventSchema_CarriesTheValidationRules()
    {
        using var document = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/swagger/v1/swagger.json"));

        var schema = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("MediaEventDocument");
        Assert.Equal(20, schema.GetProperty("properties").GetProperty("eventType").GetProperty("enum").GetArrayLength());
        Assert.Contains("adBreakStart → media.ad.podIndex", schema.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaggerUi_Served_Ok()
    {
        using var response = await _app.CreateClient().GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

/// <summary>With tracking params in configuration, players leave them out and the upstream still gets them.</summary>
public sealed class ProxyOwnedTrackingTests : IAsyncLifetime
{
    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?>
    {
        ["MediaProxy:Simulator:SessionLatency"] = "00:00:00.050",
        ["MediaProxy:Tracking:TrackingServer"] = "proxy.sc.omtrdc.net",
        ["MediaProxy:Tracking:ReportSuite"] = "proxyrsid",
        ["MediaProxy:Tracking:MarketingCloudOrgId"] = "PROXY@AdobeOrg",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PostEvents_SessionStartWithoutTrackingParams_UpstreamGetsTheConfiguredOnes()
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(_app.CreateClient());
        var bare = $$$"""
            {"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"{{{key}}}",
            "media.length":60,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}
            """;

        var (status, _) = await client.PostAsync(key, bare);
        Assert.Equal(HttpStatusCode.Accepted, status);
        await client.WaitForStateAsync(key, "live");

        using var sessions = JsonDocument.Parse(await _app.CreateClient().GetStringAsync("/simulator/sessions"));
        var session = Assert.Single(sessions.RootElement.EnumerateArray(), s => s.GetProperty("sessionStart").GetRawText().Contains(key, StringComparison.Ordinal));
        Assert.Equal("proxyrsid", session.GetProperty("sessionStart").GetProperty("params").GetProperty("analytics.reportSuite").GetString());
    }
}

/// <summary>Operators scrape /metrics: after a playback, the proxy's own instruments are there.</summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?> { ["MediaProxy:Simulator:SessionLatency"] = "00:00:00.050" });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterAPlayback_ExposesAcceptedForwardedAndSessionsInstruments()
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(_app.CreateClient());
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.AdobePing(1));
        await client.WaitForStateAsync(key, "live");

        string metrics = string.Empty;
        await Eventually.WaitUntilAsync(async () =>
        {
            metrics = await _app.CreateClient().GetStringAsync("/metrics");
            return metrics.Contains("mediaproxy_events_forwarded", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), () => metrics);

        Assert.Contains("mediaproxy_events_accepted", metrics, StringComparison.Ordinal);
        Assert.Contains("mediaproxy_sessions_created", metrics, StringComparison.Ordinal);
        Assert.Contains("mediaproxy_sessions_duration", metrics, StringComparison.Ordinal);
    }
}
