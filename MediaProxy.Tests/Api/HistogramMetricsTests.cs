using System.Globalization;
using System.Net;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// The duration histograms at /metrics have buckets sized for what they measure, so that quantiles and alerts read
/// the real latency: a 2 s sessions call must read as about 2 s, not "somewhere under 5 s". The proxy runs as a
/// child process (meters are process-wide) against the shared fake upstream, on a Redis database of its own so that
/// its recovery sweeps never meet other tests' playbacks.
/// </summary>
public sealed class HistogramMetricsTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private const int Database = 11;
    private static readonly TimeSpan SessionLatency = TimeSpan.FromSeconds(2);
    private ProxyProcess _proxy = null!;

    private FakeUpstream Upstream => fixture.App.Upstream;

    public async Task InitializeAsync() =>
        _proxy = await ProxyProcess.StartAsync(await RedisServer.GetConnectionStringAsync(Database), Upstream.BaseUrl);

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Metrics_TwoSecondSessionsCall_FallsInABucketAtMostAQuarterAboveIt()
    {
        var samples = await PlayAsync();

        var buckets = PrometheusText.Buckets(samples, "mediaproxy_sessions_duration_seconds", ("status", "201"));
        var took = samples.Single(s => s.Name == "mediaproxy_sessions_duration_seconds_sum" && s.Labels["status"] == "201").Value;
        Assert.Equal(1, buckets[^1].Count);
        Assert.True(took >= 0.95 * SessionLatency.TotalSeconds, $"the call took {took} s");
        var index = buckets.ToList().FindIndex(b => b.Count >= 1);
        var (lower, upper) = (index == 0 ? 0 : buckets[index - 1].UpperBound, buckets[index].UpperBound);
        Assert.InRange(took, lower, upper);
        // About 2.0x s lands in (2, 2.5]: the bucket says how long the call took, within a quarter.
        Assert.True(upper <= 1.25 * took, $"a {took:0.###} s call fell in the bucket ({lower}, {upper}]");
        Assert.InRange(PrometheusText.Quantile(0.5, buckets), 0.75 * took, 1.25 * took);
        Assert.InRange(PrometheusText.Quantile(0.99, buckets), 0.75 * took, 1.25 * took);
    }

    [Fact]
    public async Task Metrics_EveryHistogramInSeconds_HasBucketsBelowOneSecond()
    {
        var samples = await PlayAsync();

        var histograms = samples.Where(s => s.Name.EndsWith("_seconds_bucket", StringComparison.Ordinal))
            .GroupBy(s => s.Name[..^"_bucket".Length])
            .ToDictionary(g => g.Key, g => g.Select(s => s.Labels["le"]).Where(le => le != "+Inf")
                .Select(le => double.Parse(le, CultureInfo.InvariantCulture)).Distinct().Order().ToList());
        Assert.Contains("mediaproxy_sessions_duration_seconds", histograms.Keys);
        Assert.Contains("mediaproxy_events_delivery_lag_seconds", histograms.Keys);
        Assert.Contains("http_server_request_duration_seconds", histograms.Keys);
        // OpenTelemetry's default bounds (0, 5, 10 … 10000) are for milliseconds: nothing below 1 s but 0.
        Assert.All(histograms, h => Assert.True(h.Value.Count(b => b is > 0 and < 1) >= 3, $"{h.Key}: {string.Join(", ", h.Value)}"));
    }

    /// <summary>One playback whose sessions call takes 2 s and whose events are replayed, then a scrape.</summary>
    private async Task<IReadOnlyList<PrometheusSample>> PlayAsync()
    {
        var key = TestEvents.NewKey();
        Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), SessionLatency);
        var client = new PlaybackClient(_proxy.CreateClient());
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.SessionStart(key))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Event("play", 1))).Status);
        await client.WaitForStateAsync(key, "live");
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(2))).Status);

        IReadOnlyList<PrometheusSample> samples = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            using var http = _proxy.CreateClient();
            samples = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
            return samples.Where(s => s.Name == "mediaproxy_events_delivery_lag_seconds_count").Sum(s => s.Value) >= 2
                && samples.Any(s => s.Name == "mediaproxy_sessions_duration_seconds_count");
        }, TimeSpan.FromSeconds(30), () => string.Join('\n', samples.Where(s => s.Name.StartsWith("mediaproxy_", StringComparison.Ordinal)).Select(s => $"{s.Name} {s.Value}")));
        return samples;
    }
}
