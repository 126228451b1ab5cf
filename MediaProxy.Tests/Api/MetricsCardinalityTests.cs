using System.Diagnostics.Metrics;
using MediaProxy.Api.Hosting;
using MediaProxy.Core.Playbacks;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Every metric stream keeps a bounded number of tag combinations: OpenTelemetry reserves room for its limit up
/// front, per metric, so the default (2,000) cost ~9 MB of a sidecar's memory for tags that reach tens. Past the
/// limit nothing is lost: the rest is summed in one overflow series.
/// </summary>
public sealed class MetricsCardinalityTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Metrics_MoreTagCombinationsThanTheLimit_KeepsTheLimitAndSumsTheRestInOverflow()
    {
        // A counter of its own on the MediaProxy meter (every host in the process listens to it; only this one is scraped).
        var name = $"mediaproxy.spec.cardinality{Guid.NewGuid():N}";
        using var meter = new Meter(PlaybackMetrics.MeterName);
        var counter = meter.CreateCounter<long>(name);
        const int Combinations = TelemetrySetup.CardinalityLimit + 100;
        using var http = fixture.App.CreateClient();

        for (var i = 0; i < Combinations; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("n", i));
        }

        // The exporter answers from a cache for a moment: scrape until this counter's adds are all in.
        List<PrometheusSample> series = [];
        await Eventually.WaitUntilAsync(async () =>
        {
            series = [.. PrometheusText.Parse(await http.GetStringAsync("/metrics")).Where(s => s.Name == name.Replace('.', '_') + "_total")];
            return series.Sum(s => s.Value) >= Combinations;
        }, TimeSpan.FromSeconds(30), () => $"{series.Count} series, {series.Sum(s => s.Value)} counted");

        var overflow = series.Where(s => s.Labels.ContainsKey("otel_metric_overflow")).ToList();
        Assert.InRange(series.Count, TelemetrySetup.CardinalityLimit - 1, TelemetrySetup.CardinalityLimit + 1);
        Assert.Single(overflow);
        Assert.Equal(Combinations, series.Sum(s => s.Value));
    }
}
