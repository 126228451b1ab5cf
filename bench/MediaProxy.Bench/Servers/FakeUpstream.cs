using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MediaProxy.Bench.Servers;

/// <summary>
/// A fast Media Collection API with a runtime switch for its hard days. Healthy, events are answered 204 at once and
/// the sessions call depends on the sessionStart's <c>media.id</c>: <c>never-…</c> never returns (until the caller
/// gives up), <c>gate-N-…</c> waits until <c>POST /control/release/N</c>, anything else answers 201 after the
/// session latency (<c>--session-latency-ms</c>, or <c>POST /control/session-latency/{ms}</c>); beyond the session
/// capacity (<c>POST /control/session-capacity/{n}</c>, 0: none) concurrent sessions calls get 429.
/// <c>POST /control/mode/failing</c>: every call 503; <c>…/hanging</c>: no call is answered and nothing is created
/// until the caller gives up; <c>…/healthy</c> again. A mode applies to the calls that arrive under it.
/// <c>GET /stats</c> gives counts since the last <c>POST /control/reset</c> (<see cref="UpstreamStats"/>).
/// </summary>
internal sealed class FakeUpstream
{
    private const int Healthy = 0, Failing = 1, Hanging = 2;
    private static readonly string[] Modes = ["healthy", "failing", "hanging"];

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sessionsPerMedia = new(StringComparer.Ordinal);
    private readonly OrderCheck _order = new();
    private int _mode = Healthy;
    private long _sessionLatencyMs;
    private int _sessionCapacity;
    private int _sessionCalls;
    private long _held;
    private long _calls;
    private long _tooMany;
    private long _sessions;
    private long _lastSession;
    private long _events;
    private long _firstEvent;
    private long _lastEvent;

    private FakeUpstream(long sessionLatencyMs) => _sessionLatencyMs = sessionLatencyMs;

    public static Task<int> RunAsync(BenchArgs args)
    {
        var upstream = new FakeUpstream(long.Parse(args.Get("session-latency-ms") ?? "0", CultureInfo.InvariantCulture));
        var app = Server.CreateBuilder(args.Port).Build();
        app.MapPost("/api/v1/sessions", upstream.StartSessionAsync);
        app.MapPost("/api/v1/sessions/{sid}/events", upstream.PostEventAsync);
        app.MapPost("/control/release/{gate}", (string gate) => upstream.Gate(gate).TrySetResult());
        app.MapPost("/control/mode/{mode}", (string mode) => upstream.SetMode(mode));
        app.MapPost("/control/session-latency/{ms:long}", (long ms) => Interlocked.Exchange(ref upstream._sessionLatencyMs, Math.Max(0, ms)));
        app.MapPost("/control/session-capacity/{n:int}", (int n) => Interlocked.Exchange(ref upstream._sessionCapacity, Math.Max(0, n)));
        app.MapPost("/control/reset", upstream.Reset);
        app.MapGet("/stats", upstream.Stats);
        return Server.RunAsync(app);
    }

    private async Task StartSessionAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        var mode = Volatile.Read(ref _mode);
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        if (mode == Failing)
        {
            Refuse(context.Response, StatusCodes.Status503ServiceUnavailable);
            return;
        }

        var capacity = Volatile.Read(ref _sessionCapacity);
        var counted = mode == Healthy && capacity > 0;
        if (counted && Interlocked.Increment(ref _sessionCalls) > capacity)
        {
            Interlocked.Decrement(ref _sessionCalls);
            Interlocked.Increment(ref _tooMany);
            Refuse(context.Response, StatusCodes.Status429TooManyRequests);
            return;
        }

        var mediaId = body.RootElement.TryGetProperty("params", out var p) && p.TryGetProperty("media.id", out var id) ? id.GetString() ?? "" : "";
        Interlocked.Increment(ref _held);
        try
        {
            if (mode == Hanging || mediaId.StartsWith("never-", StringComparison.Ordinal))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            else if (mediaId.StartsWith("gate-", StringComparison.Ordinal))
            {
                await Gate(mediaId.Split('-')[1]).Task.WaitAsync(context.RequestAborted);
            }
            else if (Interlocked.Read(ref _sessionLatencyMs) is > 0 and var latency)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(latency), context.RequestAborted);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _held);
            if (counted)
            {
                Interlocked.Decrement(ref _sessionCalls);
            }
        }

        Interlocked.Increment(ref _sessions);
        _sessionsPerMedia.AddOrUpdate(mediaId, 1, static (_, n) => n + 1);
        Interlocked.Exchange(ref _lastSession, Stopwatch.GetTimestamp());
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/api/v1/sessions/{Guid.NewGuid():N}";
    }

    private async Task PostEventAsync(string sid, HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        var mode = Volatile.Read(ref _mode);
        if (mode == Hanging)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }

        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            var length = await Server.ReadAsync(context.Request, buffer);
            if (mode == Failing)
            {
                Refuse(context.Response, StatusCodes.Status503ServiceUnavailable);
                return;
            }

            _order.Check(sid, buffer.AsSpan(0, Math.Max(0, length)));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstEvent, now, 0);
        Interlocked.Exchange(ref _lastEvent, now);
        Interlocked.Increment(ref _events);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static void Refuse(HttpResponse response, int status)
    {
        response.StatusCode = status;
        response.Headers.RetryAfter = "1";
    }

    private IResult SetMode(string mode)
    {
        var index = Array.IndexOf(Modes, mode);
        if (index < 0)
        {
            return Results.BadRequest($"mode is one of {string.Join(", ", Modes)}");
        }

        Volatile.Write(ref _mode, index);
        return Results.Ok();
    }

    private TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Every count back to zero (calls being held are not counts: they stay held).</summary>
    private void Reset()
    {
        Interlocked.Exchange(ref _events, 0);
        Interlocked.Exchange(ref _firstEvent, 0);
        Interlocked.Exchange(ref _lastEvent, 0);
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _tooMany, 0);
        Interlocked.Exchange(ref _sessions, 0);
        Interlocked.Exchange(ref _lastSession, 0);
        _sessionsPerMedia.Clear();
        _order.Clear();
    }

    private UpstreamStats Stats()
    {
        var now = Stopwatch.GetTimestamp();
        var first = Interlocked.Read(ref _firstEvent);
        var last = Interlocked.Read(ref _lastEvent);
        var lastSession = Interlocked.Read(ref _lastSession);
        double Ago(long at) => at == 0 ? -1 : Stopwatch.GetElapsedTime(at, now).TotalSeconds;
        return new UpstreamStats(Interlocked.Read(ref _sessions), Interlocked.Read(ref _held), Interlocked.Read(ref _events),
            first == 0 ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds)
        {
            Calls = Interlocked.Read(ref _calls),
            TooManyRequests = Interlocked.Read(ref _tooMany),
            MaxSessionsPerMedia = _sessionsPerMedia.IsEmpty ? 0 : _sessionsPerMedia.Values.Max(),
            OrderViolations = _order.Violations,
            SinceFirstEventSeconds = Ago(first),
            SinceLastEventSeconds = Ago(last),
            SinceLastSessionSeconds = Ago(lastSession),
            Mode = Modes[Volatile.Read(ref _mode)],
        };
    }
}
