using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Sessions calls have a concurrency limit of their own: slow ones, more than the limit, never hold up the replay of
/// a playback whose session is already there, and the ones over the limit wait their turn without a second session.
/// </summary>
public sealed class WorkBudgetTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // Its own database: an instance stopping at the end must not hand other tests' work around.
    private const int Database = 5;
    private ConfiguredAppFactory _app = null!;

    private MediaProxyAppFactory Shared => fixture.App;

    public async Task InitializeAsync() => _app = new ConfiguredAppFactory(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = await RedisServer.GetConnectionStringAsync(Database),
        ["MediaProxy:Upstream:BaseUrl"] = Shared.Upstream.BaseUrl,
        ["MediaProxy:Upstream:MaxConcurrentSessionCalls"] = "1",
        ["MediaProxy:Playbacks:RetryBaseDelay"] = "00:00:00.100",
        ["MediaProxy:RateLimits:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Replay_SessionsCallsOverBudgetInFlight_ReplayNotHeldUpAndEachSlowPlaybackGetsOneSession()
    {
        var client = new PlaybackClient(_app.CreateClient());
        var (live, slow1, slow2) = (TestEvents.NewKey(), TestEvents.NewKey(), TestEvents.NewKey());
        await client.PostAsync(live, TestEvents.SessionStart(live));
        await client.WaitForStateAsync(live, "live");
        Shared.Upstream.DelaySessions(body => body.Contains(slow1, StringComparison.Ordinal) || body.Contains(slow2, StringComparison.Ordinal),
            TimeSpan.FromSeconds(4));
        await client.PostAsync(slow1, TestEvents.SessionStart(slow1));
        await client.PostAsync(slow2, TestEvents.SessionStart(slow2));

        // The live playback's next event fails its direct forward once: queued, so the replayer must send it.
        Shared.Upstream.FailNextEvents(body => body.Contains(live, StringComparison.Ordinal), 1, 503);
        var (status, body) = await client.PostAsync(live, TestEvents.Ping(1, marker: live));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("replaying", body.GetProperty("state").GetString());

        var replayed = await client.WaitForStateAsync(live, "live");
        Assert.Equal(1, replayed.Forwarded);
        // Replayed while one slow sessions call held the only slot and the other waited for it.
        Assert.Equal("starting", (await client.GetAsync(slow1)).State);
        Assert.Equal("starting", (await client.GetAsync(slow2)).State);

        await client.WaitForStateAsync(slow1, "live");
        await client.WaitForStateAsync(slow2, "live");
        Assert.Single(Shared.Upstream.SessionsForMedia(slow1));
        Assert.Single(Shared.Upstream.SessionsForMedia(slow2));
        Assert.Equal(1, Shared.Upstream.SessionCallCount(b => b.Contains(slow2, StringComparison.Ordinal)));
    }
}
