using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Two proxy instances on one Redis and one upstream, as sidecars scale out.</summary>
public sealed class MultiInstanceTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const int Database = 1;
    private string _redis = null!;
    private ConfiguredAppFactory _first = null!;
    private ConfiguredAppFactory _second = null!;

    /// <summary>The shared app: its fake upstream is the one every instance here talks to.</summary>
    private MediaProxyAppFactory Shared => fixture.App;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.GetConnectionStringAsync(Database);
        _first = Instance();
        _second = Instance();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task PostEvents_SameSessionStartToBothInstances_OneUpstreamSessionAllEventsInOrder()
    {
        var key = TestEvents.NewKey();
        var (one, two) = (new PlaybackClient(_first.CreateClient()), new PlaybackClient(_second.CreateClient()));

        var starts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? one : two).PostAsync(key, TestEvents.SessionStart(key))));
        for (var seq = 1; seq <= 10; seq++)
        {
            // One post after another, alternating instances: order upstream must still be the order accepted.
            Assert.Equal(HttpStatusCode.Accepted, (await (seq % 2 == 0 ? one : two).PostAsync(key, TestEvents.Ping(seq))).Status);
        }

        Assert.All(starts, s => Assert.Equal(HttpStatusCode.Accepted, s.Status));
        await one.WaitForStateAsync(key, "live");
        var session = Assert.Single(Shared.Upstream.SessionsForMedia(key));
        Assert.Equal(Enumerable.Range(1, 10), Shared.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task Shutdown_InstanceStoppedDuringSessionsCall_OtherInstanceFinishesThePlayback()
    {
        var key = TestEvents.NewKey();
        Shared.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(2));
        var leaving = Instance(drain: TimeSpan.Zero);
        var client = new PlaybackClient(leaving.CreateClient());
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(1), TestEvents.Ping(2)]));

        // Graceful stop while its sessions call is in flight: it hands the playback back.
        await leaving.DisposeAsync();
        var staying = new PlaybackClient(_first.CreateClient());
        Assert.Equal(HttpStatusCode.Accepted, (await staying.PostAsync(key, TestEvents.Ping(3))).Status);

        await staying.WaitForStateAsync(key, "live");
        // The abandoned call may still have created a session upstream: an orphan with no events, nothing more.
        var sessions = Shared.Upstream.SessionsForMedia(key);
        Assert.InRange(sessions.Count, 1, 2);
        var withEvents = Assert.Single(sessions, s => Shared.Upstream.RawEventsOf(s.Id).Count > 0);
        Assert.Equal([1, 2, 3], Shared.Upstream.SequenceOf(withEvents.Id));
    }

    private ConfiguredAppFactory Instance(TimeSpan? drain = null) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = _redis,
        ["MediaProxy:Upstream:BaseUrl"] = Shared.Upstream.BaseUrl,
        ["MediaProxy:Playbacks:LeaseTtl"] = "00:00:03",
        ["MediaProxy:Playbacks:RecoveryInterval"] = "00:00:00.200",
        ["MediaProxy:Playbacks:ShutdownDrainTimeout"] = (drain ?? TimeSpan.FromSeconds(5)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["MediaProxy:RateLimits:Enabled"] = "false",
    });
}
