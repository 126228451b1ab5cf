using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>When Redis is nearly full, new playbacks get 503 while playbacks under way go on.</summary>
public sealed class StoreGuardTests : IAsyncLifetime
{
    private ConfiguredAppFactory _open = null!;
    private ConfiguredAppFactory _guarded = null!;

    public async Task InitializeAsync()
    {
        var redis = await RedisServer.GetConnectionStringAsync(database: 3);
        // Instances on one Redis share its pending work, so they must share the upstream too: the shared fake.
        var upstream = (await MediaProxyAppFactory.GetSharedAsync()).Upstream.BaseUrl;
        _open = new ConfiguredAppFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["MediaProxy:Upstream:BaseUrl"] = upstream,
        });
        // A limit of one byte: any Redis is past 90% of it, so this instance refuses every new playback.
        _guarded = new ConfiguredAppFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = redis,
            ["MediaProxy:Upstream:BaseUrl"] = upstream,
            ["MediaProxy:StoreGuard:MaxMemoryBytes"] = "1",
            ["MediaProxy:StoreGuard:CheckInterval"] = "00:00:00.100",
        });
    }

    public async Task DisposeAsync()
    {
        await _open.DisposeAsync();
        await _guarded.DisposeAsync();
    }

    [Fact]
    public async Task PostEvents_StoreNearlyFull_NewPlaybackRefusedExistingOneContinues()
    {
        var existing = TestEvents.NewKey();
        Assert.Equal(HttpStatusCode.Accepted, (await new PlaybackClient(_open.CreateClient()).PostAsync(existing, TestEvents.Ping(1))).Status);
        var guarded = new PlaybackClient(_guarded.CreateClient());

        await Eventually.WaitUntilAsync(async () =>
            (await guarded.PostAsync(TestEvents.NewKey(), TestEvents.Ping(1))).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        var (status, body) = await guarded.PostAsync(existing, TestEvents.Ping(2));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("awaitingSessionStart", body.GetProperty("state").GetString());
        Assert.Equal(2, (await guarded.GetAsync(existing)).Queued);
    }
}
