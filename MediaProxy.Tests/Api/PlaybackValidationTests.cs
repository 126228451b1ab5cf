using System.Net;
using System.Text;
using MediaProxy.Core.Playbacks;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Bad input gets a clear 4xx ProblemDetails, and nothing of it is stored or sent upstream.</summary>
public sealed class PlaybackValidationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789abcdef.0123")]
    [InlineData("0123456789abcdef%200123")]
    [InlineData("0123456789abcdef%7B0123%7D")]
    [InlineData("ключключключключключ")]
    public async Task PostEvents_InvalidPlaybackKey_BadRequestNamingTheKey(string playbackKey)
    {
        var (status, body) = await new PlaybackClient(App.CreateClient()).PostAsync(playbackKey, TestEvents.Ping(1));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty("playbackKey", out _));
    }

    [Fact]
    public async Task PostEvents_RealUpstreamAndSessionStartWithoutTrackingParams_ForwardedWithoutTheSimulatorsDemoValues()
    {
        var key = TestEvents.NewKey();
        var mediaOnly = $$$"""
            {"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"{{{key}}}",
            "media.length":60,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}
            """;
        var client = new PlaybackClient(App.CreateClient());

        // Adobe's schema does not require the tracking params (its session-start example sends none), so neither does
        // intake; and the simulator's demo values are never sent to a real upstream.
        var (status, body) = await client.PostAsync(key, mediaOnly);
        await client.WaitForStateAsync(key, "live");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var sent = Assert.Single(App.Upstream.SessionsForMedia(key)).SessionStart.GetProperty("params");
        Assert.False(sent.TryGetProperty("analytics.trackingServer", out _), body.ToString());
        Assert.False(sent.TryGetProperty("analytics.reportSuite", out _));
    }

    [Fact]
    public async Task PostEvents_KeyLongerThan128_BadRequest()
    {
        var (status, _) = await new PlaybackClient(App.CreateClient()).PostAsync(new string('a', 129), TestEvents.Ping(1));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData("{\"x\":1", "$")]
    [InlineData("42", "$")]
    [InlineData("[]", "$")]
    [InlineData("{}", "eventType")]
    [InlineData("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"dance\"}", "eventType")]
    [InlineData("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"play\",\"eventType\":\"ping\"}", "$")]
    [InlineData("{\"playerTime\":{\"playhead\":-1,\"ts\":1},\"eventType\":\"play\"}", "playerTime.playhead")]
    [InlineData("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"sessionStart\",\"params\":{}}", "params.media.id")]
    [InlineData("[{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"play\"},{\"playerTime\":{\"playhead\":0,\"ts\":2},\"eventType\":\"adStart\",\"params\":{\"media.ad.podPosition\":1,\"media.ad.length\":10,\"media.ad.playerName\":\"p\"}}]", "[1].params.media.ad.id")]
    [InlineData("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"stateStart\",\"params\":{\"media.state.name\":\"\\ud800\"}}", "params.media.state.name")]
    [InlineData("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"ping\",\"params\":{\"x\\ud800\":1}}", "params.x\\ud800")]
    public async Task PostEvents_NotValidEvents_BadRequestNamingTheField(string json, string path)
    {
        var key = TestEvents.NewKey();
        var (status, body) = await new PlaybackClient(App.CreateClient()).PostAsync(key, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(path, out _), $"no error at {path}: {body}");
        // All-or-nothing: nothing of a rejected post was stored.
        using var playback = await App.CreateClient().GetAsync($"/v1/playbacks/{key}");
        Assert.Equal(HttpStatusCode.NotFound, playback.StatusCode);
    }

    [Fact]
    public async Task PostEvents_NotJsonContentType_UnsupportedMediaType()
    {
        var (status, body) = await new PlaybackClient(App.CreateClient()).PostAsync(TestEvents.NewKey(), TestEvents.Ping(1), "text/plain");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal(415, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task PostEvents_BodyOver256KB_PayloadTooLarge()
    {
        var padding = new string('x', 300 * 1024);
        var json = $$$"""{"playerTime":{"playhead":0,"ts":1},"eventType":"play","params":{"pad":"{{{padding}}}"}}""";

        var (status, body) = await new PlaybackClient(App.CreateClient()).PostAsync(TestEvents.NewKey(), json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(413, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task PostEvents_TooManyEventsInOneArray_BadRequest()
    {
        var json = TestEvents.Array(Enumerable.Range(1, 101).Select(s => TestEvents.Ping(s)));

        var (status, _) = await new PlaybackClient(App.CreateClient()).PostAsync(TestEvents.NewKey(), json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task DeleteEvents_WrongMethod_MethodNotAllowedProblem()
    {
        using var response = await App.CreateClient().DeleteAsync($"/v1/playbacks/{TestEvents.NewKey()}/events");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostEvents_DecreasingTs_AcceptedAndForwardedUnchanged()
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(App.CreateClient());
        await client.PostAsync(key, TestEvents.SessionStart(key));
        const string Later = """{"playerTime":{"playhead":5,"ts":1732500009000},"eventType":"play","params":{"test.seq":1}}""";
        const string Earlier = """{"playerTime":{"playhead":4.25,"ts":1732500008000},"eventType":"ping","params":{"test.seq":2}}""";

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, Later)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, Earlier)).Status);

        await client.WaitForStateAsync(key, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([Later, Earlier], App.Upstream.RawEventsOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_InvalidUtf8_BadRequest()
    {
        using var content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"eventType\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]);
        content.Headers.ContentType = new("application/json");

        using var response = await App.CreateClient().PostAsync($"/v1/playbacks/{TestEvents.NewKey()}/events", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task PostEvents_FloodIntoOnePendingPlayback_TooManyRequestsAtTheHeldCap()
    {
        // Before a sessionStart a playback holds little (MaxHeldEvents events, MaxHeldBytes bytes): the flood meets
        // whichever cap comes first.
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(App.CreateClient());
        var accepted = 0;
        HttpResponseMessage? refused = null;
        for (var seq = 1; seq <= new PlaybackOptions().MaxHeldEvents + 1 && refused is null; seq++)
        {
            using var content = new StringContent(TestEvents.Ping(seq), Encoding.UTF8, "application/json");
            var response = await App.CreateClient().PostAsync($"/v1/playbacks/{key}/events", content);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted++;
                response.Dispose();
            }
            else
            {
                refused = response;
            }
        }

        using (refused)
        {
            Assert.NotNull(refused);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        // Nothing accepted before was dropped; a sessionStart still gets through and raises the cap.
        Assert.True(accepted > 0);
        Assert.Equal(accepted, (await client.GetAsync(key)).Queued);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.SessionStart(key))).Status);
    }
}
