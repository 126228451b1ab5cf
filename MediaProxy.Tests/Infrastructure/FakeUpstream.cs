using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// The Media Collection API as a real HTTP server (Kestrel on 127.0.0.1, a free port): <c>POST /api/v1/sessions</c>
/// answers 201 + <c>Location</c> after <see cref="SessionLatency"/>, <c>POST /api/v1/sessions/{sid}/events</c> 204
/// (404 unknown session, 410 expired). It records every session and every accepted event in arrival order.
/// Many tests share one instance: each finds its own sessions by a unique value in the body (its media id, a
/// marker), and failure and delay rules match on the request body, so they touch only the test that set them.
/// Like Adobe's API it serves its event schemas (<c>GET /api/v1/schemas/{eventType}</c>): the shipped ones with
/// <c>test.*</c> params allowed on every event type, which is what lets the specs number and mark their events.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly ConcurrentQueue<FakeSession> _sessions = new();
    private readonly ConcurrentDictionary<string, FakeSession> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _expired = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _sessionCalls = new();
    private readonly ConcurrentQueue<string> _eventCalls = new();
    private readonly RequestRules _sessionFailures = new();
    private readonly RequestRules _eventFailures = new();
    private readonly RequestRules _sessionDelays = new();
    private readonly RequestRules _eventDelays = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Gate)> _holds = [];
    private readonly ConcurrentDictionary<string, (int Status, string Body)> _schemas = new(StringComparer.Ordinal);
    private int _schemaCalls;
    private WebApplication _app = null!;
    private long _latencyTicks;
    private long _calls;
    private int _sessionCallsInFlight;
    private int _maxSessionCallsInFlight;

    private FakeUpstream()
    {
    }

    /// <summary><c>http://127.0.0.1:{port}</c>, the value for <c>MediaProxy:Upstream:BaseUrl</c>.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>How long a sessions call takes before its 201 (unless a <see cref="DelaySessions"/> rule matches).</summary>
    public TimeSpan SessionLatency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>An outage of the whole upstream, every call alike (for fakes a test has to itself).</summary>
    public FakeOutage Outage { get; set; }

    /// <summary>The <c>Retry-After</c> a <see cref="FakeOutage.Failing"/> upstream sends (zero: none).</summary>
    public TimeSpan OutageRetryAfter { get; set; }

    /// <summary>Sessions calls it answers at once; past that many in flight, 429 with Retry-After: 1 (null: no cap).</summary>
    public int? SessionCallCapacity { get; set; }

    /// <summary>Every call received (sessions and events, answered or not): the attempts a proxy made.</summary>
    public long CallsReceived => Interlocked.Read(ref _calls);

    /// <summary>The most sessions calls that were ever in flight here at once.</summary>
    public int MaxSessionCallsInFlight => Volatile.Read(ref _maxSessionCallsInFlight);

    /// <summary>Starts a fake on a free loopback port; the only way to make one.</summary>
    public static async Task<FakeUpstream> StartAsync()
    {
        var upstream = new FakeUpstream();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/v1/sessions", upstream.StartSessionAsync);
        app.MapPost("/api/v1/sessions/{sid}/events", upstream.PostEventAsync);
        app.MapGet("/api/v1/schemas/{eventType}", upstream.GetSchemaAsync);
        await app.StartAsync();
        upstream._app = app;
        upstream.BaseUrl = app.Urls.Single().TrimEnd('/');
        return upstream;
    }

    /// <summary>The next <paramref name="count"/> sessions calls whose body matches answer <paramref name="statusCode"/>.</summary>
    public void FailNextSessionCalls(Func<string, bool> match, int count, int statusCode, TimeSpan? retryAfter = null) =>
        _sessionFailures.Add(match, count, statusCode, retryAfter ?? TimeSpan.Zero);

    /// <summary>The next <paramref name="count"/> event posts whose body matches answer <paramref name="statusCode"/> (not recorded).</summary>
    public void FailNextEvents(Func<string, bool> match, int count, int statusCode, TimeSpan? retryAfter = null) =>
        _eventFailures.Add(match, count, statusCode, retryAfter ?? TimeSpan.Zero);

    /// <summary>Every sessions call whose body matches takes <paramref name="latency"/> instead of <see cref="SessionLatency"/>.</summary>
    public void DelaySessions(Func<string, bool> match, TimeSpan latency) =>
        _sessionDelays.Add(match, int.MaxValue, StatusCodes.Status201Created, latency);

    /// <summary>
    /// Every sessions call whose body matches waits, however long, until the returned action is called: a test that
    /// needs the call in flight while it posts does not depend on how fast the machine is.
    /// </summary>
    public Action HoldSessions(Func<string, bool> match)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_holds)
        {
            _holds.Add((match, gate));
        }

        return () => gate.TrySetResult();
    }

    /// <summary>Every event post whose body matches takes <paramref name="latency"/> before its answer.</summary>
    public void DelayEvents(Func<string, bool> match, TimeSpan latency) =>
        _eventDelays.Add(match, int.MaxValue, StatusCodes.Status204NoContent, latency);

    /// <summary>From now on <c>GET /api/v1/schemas/{eventType}</c> answers <paramref name="statusCode"/> with <paramref name="body"/>.</summary>
    public void ServeSchema(string eventType, int statusCode, string body) => _schemas[eventType] = (statusCode, body);

    /// <summary>How many schema requests arrived.</summary>
    public int SchemaCallCount => Volatile.Read(ref _schemaCalls);

    /// <summary>The shipped schema of <paramref name="eventType"/> with <c>test.*</c> params allowed (what this fake serves by default).</summary>
    public static string SchemaWithTestParams(string eventType)
    {
        var document = JsonNode.Parse(MediaEventRules.Shipped.Find(eventType)!.Document)!;
        document["definitions"]![eventType]!["properties"]!["params"]!["patternProperties"] = new JsonObject { ["^test\\."] = new JsonObject() };
        return document.ToJsonString();
    }

    /// <summary>The upstream forgets the session: its later events answer 410 Gone.</summary>
    public void ExpireSession(string sessionId) => _expired[sessionId] = true;

    /// <summary>Sessions created (201), oldest first, whose sessionStart body satisfies <paramref name="predicate"/>.</summary>
    public IReadOnlyList<FakeSession> FindSessions(Func<JsonElement, bool> predicate) =>
        [.. _sessions.Where(s => predicate(s.SessionStart))];

    /// <summary>The session the fake created with id <paramref name="sessionId"/>.</summary>
    public FakeSession SessionById(string sessionId) =>
        _byId.TryGetValue(sessionId, out var session) ? session : throw new KeyNotFoundException($"No session {sessionId}.");

    /// <summary>Sessions whose sessionStart has <c>params["media.id"] == mediaId</c>.</summary>
    public IReadOnlyList<FakeSession> SessionsForMedia(string mediaId) =>
        FindSessions(start => start.TryGetProperty("params", out var p) && p.TryGetProperty("media.id", out var id)
            && id.ValueKind == JsonValueKind.String && id.GetString() == mediaId);

    /// <summary>How many sessions calls (answered or failed) had a body that matches: retries and duplicates show here.</summary>
    public int SessionCallCount(Func<string, bool> match) => _sessionCalls.Count(match);

    /// <summary>How many event posts with a matching body have arrived (answered yet or not, failed or not).</summary>
    public int EventCallCount(Func<string, bool> match) => _eventCalls.Count(match);

    /// <summary>The accepted (204) event bodies of a session, exactly as received, in arrival order.</summary>
    public IReadOnlyList<string> RawEventsOf(string sessionId) =>
        _byId.TryGetValue(sessionId, out var session) ? session.RawEvents() : throw new KeyNotFoundException($"No session {sessionId}.");

    public IReadOnlyList<JsonElement> EventsOf(string sessionId) => [.. RawEventsOf(sessionId).Select(e => JsonElement.Parse(e))];

    /// <summary>The <c>params["test.seq"]</c> of each event of a session, in arrival order (every event must have one).</summary>
    public IReadOnlyList<int> SequenceOf(string sessionId) =>
        [.. EventsOf(sessionId).Select(e => e.TryGetProperty("params", out var p) && p.TryGetProperty("test.seq", out var seq)
            ? seq.GetInt32() : throw new InvalidOperationException($"Event without params.test.seq in session {sessionId}: {e}"))];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task StartSessionAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        _sessionCalls.Enqueue(body);
        if (await OutageAsync(context))
        {
            return;
        }

        var inFlight = Interlocked.Increment(ref _sessionCallsInFlight);
        try
        {
            if (inFlight > SessionCallCapacity)
            {
                await FailAsync(context, new RequestRule(_ => true, StatusCodes.Status429TooManyRequests, TimeSpan.FromSeconds(1)));
                return;
            }

            InterlockedMax(ref _maxSessionCallsInFlight, inFlight);
            await CreateSessionAsync(context, body);
        }
        finally
        {
            Interlocked.Decrement(ref _sessionCallsInFlight);
        }
    }

    private async Task CreateSessionAsync(HttpContext context, string body)
    {
        if (_sessionFailures.Take(body) is { } failure)
        {
            await FailAsync(context, failure);
            return;
        }

        if (TryParse(body) is not { } start)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Not cancelled by the caller: like the real API, a session is created even if the client gave up waiting.
        await Task.Delay(_sessionDelays.Find(body)?.Delay ?? SessionLatency, _app.Lifetime.ApplicationStopping);
        Task? held;
        lock (_holds)
        {
            held = _holds.FirstOrDefault(h => h.Match(body)).Gate?.Task;
        }

        if (held is not null)
        {
            await held.WaitAsync(_app.Lifetime.ApplicationStopping);
        }

        var session = new FakeSession(Guid.NewGuid().ToString("N"), start, body);
        _byId[session.Id] = session;
        _sessions.Enqueue(session);
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"/api/v1/sessions/{session.Id}";
    }

    private async Task GetSchemaAsync(HttpContext context)
    {
        Interlocked.Increment(ref _schemaCalls);
        var eventType = (string)context.Request.RouteValues["eventType"]!;
        var (status, body) = _schemas.TryGetValue(eventType, out var served) ? served
            : MediaEventRules.Shipped.Find(eventType) is null ? (StatusCodes.Status404NotFound, "unknown event type")
            : (StatusCodes.Status200OK, SchemaWithTestParams(eventType));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    private async Task PostEventAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        _eventCalls.Enqueue(body);
        if (await OutageAsync(context))
        {
            return;
        }

        var sid = (string)context.Request.RouteValues["sid"]!;
        if (_eventDelays.Find(body) is { } slow)
        {
            await Task.Delay(slow.Delay, _app.Lifetime.ApplicationStopping);
        }

        if (!_byId.TryGetValue(sid, out var session))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (_expired.ContainsKey(sid))
        {
            context.Response.StatusCode = StatusCodes.Status410Gone;
        }
        else if (_eventFailures.Take(body) is { } failure)
        {
            await FailAsync(context, failure);
        }
        else if (TryParse(body) is null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            session.Add(body);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }

    /// <summary>Counts the call, and answers it as the outage does: true when it was (503, or never: hung).</summary>
    private async Task<bool> OutageAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        switch (Outage)
        {
            case FakeOutage.Failing:
                await FailAsync(context, new RequestRule(_ => true, StatusCodes.Status503ServiceUnavailable, OutageRetryAfter));
                return true;
            case FakeOutage.Hanging:
                // No answer and nothing created, until the caller gives up.
                using (var hung = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping))
                {
                    try
                    {
                        await Task.Delay(Timeout.Infinite, hung.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }

                return true;
            default:
                return false;
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task FailAsync(HttpContext context, RequestRule failure)
    {
        context.Response.StatusCode = failure.StatusCode;
        if (failure.Delay > TimeSpan.Zero)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(failure.Delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync($"fake upstream: injected HTTP {failure.StatusCode}", context.RequestAborted);
    }

    private static JsonElement? TryParse(string json)
    {
        try
        {
            return JsonElement.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How the whole fake upstream fails, for outage specs.</summary>
public enum FakeOutage
{
    None,

    /// <summary>503 to every call (with <see cref="FakeUpstream.OutageRetryAfter"/>).</summary>
    Failing,

    /// <summary>No answer to any call, nothing created: the caller times out.</summary>
    Hanging,
}

/// <summary>One session the fake upstream created, with the events it accepted for it (thread-safe).</summary>
public sealed record FakeSession(string Id, JsonElement SessionStart, string RawSessionStart)
{
    private readonly List<string> _events = [];

    internal void Add(string body)
    {
        lock (_events)
        {
            _events.Add(body);
        }
    }

    internal IReadOnlyList<string> RawEvents()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }
}
