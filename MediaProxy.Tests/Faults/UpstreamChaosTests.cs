using System.Net;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Faults;

/// <summary>
/// An upstream that fails often: 20% of event posts answer 503, 5% answer 429 with Retry-After, 30% of sessions
/// calls answer 503. Through two instances, every playback still gets one session and all its events in order.
/// </summary>
public sealed class UpstreamChaosTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const int Seed = 20261125;
    private readonly Random _random = new(Seed);
    private ConfiguredAppFactory _first = null!;
    private ConfiguredAppFactory _second = null!;

    /// <summary>The shared app: its fake upstream (and its failure rules) serve both instances here.</summary>
    private MediaProxyAppFactory App => fixture.App;

    public async Task InitializeAsync()
    {
        var redis = await RedisServer.GetConnectionStringAsync(database: 2);
        _first = Instance(redis);
        _second = Instance(redis);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task PostEvents_UpstreamFailingOften_EveryPlaybackDeliveredOnceInOrder()
    {
        var marker = TestEvents.NewKey();
        bool Mine(string body) => body.Contains(marker, StringComparison.Ordinal);
        App.Upstream.FailNextSessionCalls(body => Mine(body) && Roll(0.30), int.MaxValue, 503);
        App.Upstream.FailNextEvents(body => Mine(body) && Roll(0.05), int.MaxValue, 429, retryAfter: TimeSpan.FromSeconds(1));
        App.Upstream.FailNextEvents(body => Mine(body) && Roll(0.20), int.MaxValue, 503);
        var keys = Enumerable.Range(0, 20).Select(_ => TestEvents.NewKey()).ToList();
        var clients = new[] { new PlaybackClient(_first.CreateClient()), new PlaybackClient(_second.CreateClient()) };

        await Task.WhenAll(keys.Select((key, i) => Task.Run(async () =>
        {
            var client = clients[i % 2];
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.SessionStart(key).Replace("tests", marker, StringComparison.Ordinal))).Status);
            for (var seq = 1; seq <= 30; seq++)
            {
                var (status, body) = await clients[(i + seq) % 2].PostAsync(key, TestEvents.Event("ping", seq, marker));
                Assert.True(status == HttpStatusCode.Accepted, $"seed {Seed}: {(int)status} {body}");
            }
        })));

        foreach (var key in keys)
        {
            await clients[0].WaitForStateAsync(key, "live");
            var session = Assert.Single(App.Upstream.SessionsForMedia(key));
            var received = App.Upstream.SequenceOf(session.Id);
            // A 503 from the fake is never a delivery, so nothing may be doubled here.
            Assert.True(received.SequenceEqual(Enumerable.Range(1, 30)), $"seed {Seed}, {key}: [{string.Join(",", received)}]");
        }
    }

    private ConfiguredAppFactory Instance(string redis) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = redis,
        ["MediaProxy:Upstream:BaseUrl"] = App.Upstream.BaseUrl,
        ["MediaProxy:Playbacks:RetryBaseDelay"] = "00:00:00.100",
        ["MediaProxy:Playbacks:RetryMaxDelay"] = "00:00:01",
        ["MediaProxy:RateLimits:Enabled"] = "false",
    });

    private bool Roll(double probability)
    {
        lock (_random)
        {
            return _random.NextDouble() < probability;
        }
    }
}
