using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// What an operator scrapes from /metrics on a real store: the backlog while a sessions call is held, then the
/// events by type, the delivery lag and the sessions call latency once the playback went live. The proxy runs as
/// a child process: meters are process-wide, so in-process hosts of other tests would add to its instruments.
/// </summary>
public sealed partial class MetricsTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    // Its own database: the backlog gauges count the whole store, so no other test's playbacks may be in it.
    private const int Database = 9;
    private ProxyProcess _proxy = null!;

    private MediaProxyAppFactory Shared => fixture.App;

    public async Task InitializeAsync()
    {
        var redis = await RedisServer.GetConnectionStringAsync(Database);
        _proxy = await ProxyProcess.StartAsync(redis, Shared.Upstream.BaseUrl,
            new Dictionary<string, string> { ["MediaProxy__Playbacks__MetricsSampleInterval"] = "00:00:01" });
    }

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Metrics_HeldSessionsCallThenLive_ShowsBacklogThenEventsLagAndSessionsLatency()
    {
        var key = TestEvents.NewKey();
        Shared.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(4));
        var client = new PlaybackClient(_proxy.CreateClient());
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.SessionStart(key))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(1), TestEvents.Event("play", 2), TestEvents.Ping(3)]))).Status);

        // While the sessions call is held: one playback with work pending, its sessions call in flight here.
        var held = await ScrapeUntilAsync(m => Gauge(m, "mediaproxy_playbacks_pending") == 1);
        Assert.Equal(1, Gauge(held, "mediaproxy_playbacks_working", "stage=\"starting\""));
        Assert.Equal(1, Gauge(held, "mediaproxy_upstream_in_flight", "call=\"sessions\""));
        Assert.Equal(1, Gauge(held, "mediaproxy_upstream_available"));
        Assert.True(Gauge(held, "mediaproxy_queue_oldest_age_seconds") >= 0);

        await client.WaitForStateAsync(key, "live");
        var live = await ScrapeUntilAsync(m => Gauge(m, "mediaproxy_playbacks_pending") == 0
            && m.Contains("mediaproxy_events_delivery_lag_seconds_count", StringComparison.Ordinal));

        Assert.Equal(2, Gauge(live, "mediaproxy_events_forwarded_total", "event_type=\"ping\""));
        Assert.Equal(1, Gauge(live, "mediaproxy_events_forwarded_total", "event_type=\"play\""));
        Assert.Equal(1, Gauge(live, "mediaproxy_events_accepted_total", "event_type=\"sessionStart\""));
        Assert.Equal(3, Gauge(live, "mediaproxy_events_delivery_lag_seconds_count", "path=\"replay\""));
        // The events waited for the 4 s sessions call: the lag histogram saw it.
        Assert.True(Gauge(live, "mediaproxy_events_delivery_lag_seconds_sum", "path=\"replay\"") >= 3 * 3.5);
        Assert.Equal(1, Gauge(live, "mediaproxy_sessions_duration_seconds_count", "status=\"201\""));
    }

    [Fact]
    public async Task Metrics_Scrape_IncludesTheRuntimesGcMetrics()
    {
        var metrics = await ScrapeUntilAsync(m => m.Contains("dotnet_gc_pause_time_seconds_total", StringComparison.Ordinal));

        Assert.False(double.IsNaN(Gauge(metrics, "dotnet_gc_collections_total")));
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> condition)
    {
        var metrics = string.Empty;
        await Eventually.WaitUntilAsync(async () =>
        {
            using var http = _proxy.CreateClient();
            metrics = await http.GetStringAsync("/metrics");
            return condition(metrics);
        }, TimeSpan.FromSeconds(30), () => string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("mediaproxy_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal))));
        return metrics;
    }

    /// <summary>The sum of a metric's samples whose labels contain <paramref name="label"/>; NaN when absent.</summary>
    private static double Gauge(string metrics, string name, string label = "")
    {
        var values = metrics.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => line.Contains(label, StringComparison.Ordinal))
            .Select(line => Sample().Match(line))
            .Where(m => m.Success)
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? double.NaN : values.Sum();
    }

    [GeneratedRegex(@"\s(?<value>[-+0-9.eE]+|NaN)(\s\d+)?$")]
    private static partial Regex Sample();
}
