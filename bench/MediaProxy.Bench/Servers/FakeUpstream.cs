using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace MediaProxy.Bench.Servers;

/// <summary>
/// A fast Media Collection API. Events are answered 204 at once. The sessions call depends on the sessionStart's
/// <c>media.id</c>: <c>never-…</c> never returns (until the caller gives up), <c>gate-N-…</c> waits until
/// <c>POST /control/release/N</c>, anything else answers 201 after <c>--session-latency-ms</c> (default 0).
/// <c>GET /stats</c> gives counts and the time between the first and last event since the last reset.
/// </summary>
internal sealed class FakeUpstream
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly TimeSpan _sessionLatency;
    private long _sessions;
    private long _held;
    private long _events;
    private long _firstEvent;
    private long _lastEvent;

    private FakeUpstream(TimeSpan sessionLatency) => _sessionLatency = sessionLatency;

    public static Task<int> RunAsync(BenchArgs args)
    {
        var latency = TimeSpan.FromMilliseconds(double.Parse(args.Get("session-latency-ms") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
        var upstream = new FakeUpstream(latency);
        var app = Server.CreateBuilder(args.Port).Build();
        app.MapPost("/api/v1/sessions", upstream.StartSessionAsync);
        app.MapPost("/api/v1/sessions/{sid}/events", upstream.PostEventAsync);
        app.MapPost("/control/release/{gate}", (string gate) => upstream.Gate(gate).TrySetResult());
        app.MapPost("/control/reset", upstream.Reset);
        app.MapGet("/stats", upstream.Stats);
        return Server.RunAsync(app);
    }

    private async Task StartSessionAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var mediaId = body.RootElement.TryGetProperty("params", out var p) && p.TryGetProperty("media.id", out var id) ? id.GetString() ?? "" : "";
        Interlocked.Increment(ref _held);
        try
        {
            if (mediaId.StartsWith("never-", StringComparison.Ordinal))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            else if (mediaId.StartsWith("gate-", StringComparison.Ordinal))
            {
                var gate = mediaId.Split('-')[1];
                await Gate(gate).Task.WaitAsync(context.RequestAborted);
            }
            else if (_sessionLatency > TimeSpan.Zero)
            {
                await Task.Delay(_sessionLatency, context.RequestAborted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }

        Interlocked.Increment(ref _sessions);
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/api/v1/sessions/{Guid.NewGuid():N}";
    }

    private async Task PostEventAsync(HttpContext context)
    {
        await Server.DrainAsync(context.Request);
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstEvent, now, 0);
        Interlocked.Exchange(ref _lastEvent, now);
        Interlocked.Increment(ref _events);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Reset()
    {
        Interlocked.Exchange(ref _events, 0);
        Interlocked.Exchange(ref _firstEvent, 0);
        Interlocked.Exchange(ref _lastEvent, 0);
    }

    private UpstreamStats Stats()
    {
        var first = Interlocked.Read(ref _firstEvent);
        var last = Interlocked.Read(ref _lastEvent);
        return new UpstreamStats(Interlocked.Read(ref _sessions), Interlocked.Read(ref _held), Interlocked.Read(ref _events),
            first == 0 ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds);
    }
}

/// <summary>What the fake upstream has seen: sessions created, sessions calls being held, events and their time span.</summary>
internal sealed record UpstreamStats(long Sessions, long HeldSessionCalls, long Events, double EventSpanSeconds);
