using System.Diagnostics.Metrics;
using MediaProxy.Core.Playbacks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MediaProxy.Api.Hosting;

public static class TelemetrySetup
{
    /// <summary>
    /// OpenTelemetry: the <c>MediaProxy</c> meter, ASP.NET Core and HttpClient metrics and traces; scraped at
    /// <c>/metrics</c> (Prometheus) and exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// </summary>
    public static WebApplicationBuilder AddMediaProxyTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("mediaproxy"))
            .WithMetrics(metrics =>
            {
                // System.Runtime: the runtime's own meter (GC pauses and collections, thread pool queue, CPU), so
                // a latency spike can be told from a GC pause on a dashboard.
                metrics.AddMeter(PlaybackMetrics.MeterName, "System.Runtime")
                    .AddView(SecondsHistogramWithoutAdvice)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });

        // Traces only where they go somewhere: a tracer provider without an exporter still records every span of
        // every request and upstream call (about a tenth of the proxy's CPU per event in docs/benchmarks.md).
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal))
                .AddHttpClientInstrumentation()
                .AddSource(PlaybackTracing.SourceName)
                .AddOtlpExporter());
        }

        // Structured logs: one JSON object per line in Production, readable single lines elsewhere.
        builder.Logging.ClearProviders();
        if (builder.Environment.IsProduction())
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.UseUtcTimestamp = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.IncludeScopes = true;
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                options.UseUtcTimestamp = true;
            });
        }

        return builder;
    }

    /// <summary>
    /// A duration histogram in seconds that brings no bucket bounds of its own (instrument advice) gets bounds in
    /// seconds: OpenTelemetry's defaults (0, 5, 10, 25 … 10000) are sized for milliseconds and would put every call
    /// under 5 s in one bucket. The MediaProxy meter's histograms and ASP.NET Core's bring their own.
    /// </summary>
    private static MetricStreamConfiguration? SecondsHistogramWithoutAdvice(Instrument instrument) =>
        instrument is Histogram<double> { Unit: "s", Advice: null }
            ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. PlaybackMetrics.SessionsDurationBuckets] }
            : null;

    /// <summary>The Prometheus scraping endpoint at /metrics.</summary>
    public static WebApplication MapMetricsEndpoint(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
