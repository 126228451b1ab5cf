using System.Net;
using System.Text.Json;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// The operator's view: failed playbacks listed page by page and put back to work in one call, so an outage or a
/// bad deploy upstream never leaves playbacks stranded where nobody can find them.
/// </summary>
public sealed class AdminTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // Its own database: retrying every failed playback must not touch other tests' failed playbacks.
    private const int Database = 7;
    private ConfiguredAppFactory _app = null!;

    private FakeUpstream Upstream => fixture.App.Upstream;

    public async Task InitializeAsync() => _app = new ConfiguredAppFactory(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = await RedisServer.GetConnectionStringAsync(Database),
        ["MediaProxy:Upstream:BaseUrl"] = Upstream.BaseUrl,
        ["MediaProxy:Playbacks:RecoveryInterval"] = "00:00:00.250",
        ["MediaProxy:RateLimits:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ListPlaybacks_FailedOnes_ListedPageByPageWithTheirError()
    {
        var keys = await FailedPlaybacksAsync(3);
        using var http = _app.CreateClient();

        var listed = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        do
        {
            using var page = JsonDocument.Parse(await http.GetStringAsync($"/v1/admin/playbacks?state=failed&limit=1{(cursor is null ? string.Empty : "&cursor=" + cursor)}"));
            listed.AddRange(page.RootElement.GetProperty("playbacks").EnumerateArray().Select(p => p.Clone()));
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 100);

        foreach (var key in keys)
        {
            var playback = Assert.Single(listed, p => p.GetProperty("playbackKey").GetString() == key);
            Assert.Equal("failed", playback.GetProperty("state").GetString());
            Assert.Contains("400", playback.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        }

        Assert.True(pages >= 3, $"{pages} page(s) of one for {listed.Count} playbacks");
    }

    [Fact]
    public async Task RetryFailed_SeveralFailedPlaybacks_AllBackToWorkAndDelivered()
    {
        var keys = await FailedPlaybacksAsync(3);
        using var http = _app.CreateClient();

        using var response = await http.PostAsync("/v1/admin/playbacks/retry-failed", null);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.RootElement.GetProperty("retried").GetInt32() >= 3, body.RootElement.ToString());
        var client = new PlaybackClient(http);
        foreach (var key in keys)
        {
            await client.WaitForStateAsync(key, "live");
            Assert.Equal([1], Upstream.SequenceOf(Assert.Single(Upstream.SessionsForMedia(key)).Id));
        }

        using var left = JsonDocument.Parse(await http.GetStringAsync("/v1/admin/playbacks?state=failed&limit=500"));
        Assert.DoesNotContain(left.RootElement.GetProperty("playbacks").EnumerateArray(), p => keys.Contains(p.GetProperty("playbackKey").GetString()!));
    }

    [Theory]
    [InlineData("state=live")]
    [InlineData("limit=0")]
    [InlineData("limit=501")]
    public async Task ListPlaybacks_BadQuery_ValidationProblem(string query)
    {
        using var response = await _app.CreateClient().GetAsync($"/v1/admin/playbacks?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Playbacks whose sessionStart the upstream refused once (400), each with one event held.</summary>
    private async Task<List<string>> FailedPlaybacksAsync(int count)
    {
        var client = new PlaybackClient(_app.CreateClient());
        var keys = Enumerable.Range(0, count).Select(_ => TestEvents.NewKey()).ToList();
        foreach (var key in keys)
        {
            Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), count: 1, statusCode: 400);
            await client.PostAsync(key, TestEvents.SessionStart(key));
            await client.PostAsync(key, TestEvents.Ping(1));
        }

        foreach (var key in keys)
        {
            await client.WaitForStateAsync(key, "failed", queued: 1);
        }

        return keys;
    }
}
