using System.Net;
using System.Text.Json;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Container;

/// <summary>
/// The Grafana dashboard (deploy/observability) reads what the proxy exports: after a scripted playback (queued
/// and replayed, forwarded live, one event refused, one sessions call refused), every metric each panel queries is
/// at /metrics, with the labels the query matches on and groups by. The proxy runs as a child process on a Redis
/// database of its own, with the shared fake upstream.
/// </summary>
public sealed class DashboardTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    public const string DashboardPath = "deploy/observability/grafana/dashboards/mediaproxy.json";

    private const int Database = 12;

    // Added by Prometheus when it scrapes, never in the exposition itself.
    private static readonly string[] TargetLabels = ["instance", "job"];

    private ProxyProcess _proxy = null!;

    private FakeUpstream Upstream => fixture.App.Upstream;

    public async Task InitializeAsync() => _proxy = await ProxyProcess.StartAsync(
        await RedisServer.GetConnectionStringAsync(Database), Upstream.BaseUrl,
        new Dictionary<string, string> { ["MediaProxy__Playbacks__MetricsSampleInterval"] = "00:00:01" });

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    [Fact]
    public async Task Dashboard_EveryQueriedSeries_ExistsInMetricsAfterAScriptedPlayback()
    {
        var samples = await PlayAndScrapeAsync();
        var byName = samples.ToLookup(s => s.Name, StringComparer.Ordinal);

        var queries = Expressions();
        Assert.True(queries.Count >= 20, $"{queries.Count} queries in {DashboardPath}");
        Assert.All(queries, query =>
        {
            var refs = PromQlReferences.Parse(query);
            Assert.NotEmpty(refs.Metrics);
            foreach (var metric in refs.Metrics)
            {
                Assert.True(byName.Contains(metric), $"{metric} (in `{query}`) is not at /metrics");
            }

            foreach (var (metric, labels) in refs.Matchers)
            {
                foreach (var label in labels)
                {
                    Assert.True(byName[metric].Any(s => s.Labels.TryGetValue(label.Name, out var value) && (label.EqualsValue is null || value == label.EqualsValue)),
                        $"no {metric} sample has {label.Name}{(label.EqualsValue is null ? string.Empty : $"=\"{label.EqualsValue}\"")} (in `{query}`)");
                }
            }

            foreach (var label in refs.GroupedBy.Except(TargetLabels))
            {
                Assert.True(refs.Metrics.Any(m => byName[m].Any(s => s.Labels.ContainsKey(label))), $"no series of `{query}` has the label {label}");
            }
        });
    }

    /// <summary>Every PromQL expression of the dashboard's panels.</summary>
    public static IReadOnlyList<string> Expressions()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read(DashboardPath));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    private async Task<IReadOnlyList<PrometheusSample>> PlayAndScrapeAsync()
    {
        var client = new PlaybackClient(_proxy.CreateClient());

        // A playback whose sessions call takes a second: events queue and are replayed; one of them is refused.
        var key = TestEvents.NewKey();
        var refused = $"refused-{key}";
        Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(1));
        Upstream.FailNextEvents(body => body.Contains(refused, StringComparison.Ordinal), 1, 400);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.SessionStart(key))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Array([TestEvents.Event("play", 1), TestEvents.Ping(2, refused)]))).Status);
        await client.WaitForStateAsync(key, "live");

        // Live: forwarded directly, once after a 503 the upstream client retries.
        var busy = $"busy-{key}";
        Upstream.FailNextEvents(body => body.Contains(busy, StringComparison.Ordinal), 1, 503);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(3, busy))).Status);

        // A playback whose sessions call is refused.
        var failing = TestEvents.NewKey();
        Upstream.FailNextSessionCalls(body => body.Contains(failing, StringComparison.Ordinal), 1, 400);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(failing, TestEvents.SessionStart(failing))).Status);
        await client.WaitForStateAsync(failing, "failed");

        IReadOnlyList<PrometheusSample> samples = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            using var http = _proxy.CreateClient();
            samples = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
            return samples.Where(s => s.Name == "mediaproxy_events_forwarded_total").Sum(s => s.Value) >= 2
                && samples.Any(s => s.Name == "mediaproxy_events_dead_lettered_total" && s.Value >= 1)
                && samples.Any(s => s.Name == "mediaproxy_sessions_failed_total" && s.Value >= 1)
                && samples.Any(s => s.Name == "http_client_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_response_status_code") == "503");
        }, TimeSpan.FromSeconds(30), () => string.Join('\n', samples.Where(s => s.Name.StartsWith("mediaproxy_", StringComparison.Ordinal) && !s.Name.EndsWith("_bucket", StringComparison.Ordinal)).Select(s => $"{s.Name} {s.Value}")));
        return samples;
    }
}
