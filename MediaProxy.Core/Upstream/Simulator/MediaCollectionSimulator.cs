using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MediaProxy.Core.Media;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Upstream.Simulator;

/// <summary>
/// A small Media Collection API in process, so the service runs and demonstrates queueing and replay with no
/// Adobe account: the sessions call answers 201 + Location after <see cref="SimulatorOptions.SessionLatency"/>,
/// events answer 204 (404 for an unknown session, 400 for what Adobe's schema refuses: the shipped rules,
/// <see cref="MediaEventRules.Shipped"/>, also served at <c>/api/v1/schemas/{eventType}</c>), and everything
/// received can be read back. Memory is bounded by <see cref="SimulatorOptions"/>.
/// </summary>
public sealed class MediaCollectionSimulator(IOptions<SimulatorOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, SimulatedSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public async Task<SimulatorAnswer> StartSessionAsync(string body, CancellationToken cancellationToken)
    {
        var parsed = MediaEventParser.Parse(Encoding.UTF8.GetBytes(body), maxEvents: 1);
        if (!parsed.IsValid || parsed.Events.Count != 1 || !parsed.Events[0].IsSessionStart)
        {
            return new SimulatorAnswer(400, null, "The body is not a valid sessionStart event." + Reasons(parsed));
        }

        await Task.Delay(options.Value.SessionLatency, timeProvider, cancellationToken);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _sessions[id] = new SimulatedSession(id, timeProvider.GetUtcNow(), body);
        _order.Enqueue(id);
        while (_order.Count > options.Value.MaxSessions && _order.TryDequeue(out var oldest))
        {
            _sessions.TryRemove(oldest, out _);
        }

        return new SimulatorAnswer(201, $"/api/v1/sessions/{id}", null);
    }

    public SimulatorAnswer PostEvent(string sessionId, string body)
    {
        if (!_sessions.TryGetValue(sessionId, out var session))
        {
            return new SimulatorAnswer(404, null, "Unknown session id.");
        }

        var parsed = MediaEventParser.Parse(Encoding.UTF8.GetBytes(body), maxEvents: 1);
        if (!parsed.IsValid || parsed.Events.Count != 1 || parsed.Events[0].IsSessionStart)
        {
            return new SimulatorAnswer(400, null, "The body is not a valid event." + Reasons(parsed));
        }

        session.Add(parsed.Events[0], options.Value.MaxEventsPerSession);
        return new SimulatorAnswer(204, null, null);
    }

    /// <summary>Adobe's schema endpoint: the shipped schema of an event type (the rules the simulator itself applies).</summary>
    public static SimulatorAnswer GetSchema(string eventType) => MediaEventRules.Shipped.Find(eventType) is { } schema
        ? new SimulatorAnswer(200, null, null, schema.Document)
        : new SimulatorAnswer(404, null, $"No schema for event type '{eventType}'.");

    // Like Adobe's validation errors, the answer says what failed; the proxy keeps it with the dead letter.
    private static string Reasons(MediaEventParseResult parsed) => parsed.Errors is { } errors
        ? " " + string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
        : string.Empty;

    public IReadOnlyList<SimulatedSessionView> List() =>
        [.. _sessions.Values.OrderBy(s => s.CreatedAt).Select(s => s.ToView())];

    public SimulatedSessionView? Find(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) ? session.ToView() : null;

    public void Clear()
    {
        _sessions.Clear();
        _order.Clear();
    }
}

public sealed record SimulatorAnswer(int StatusCode, string? Location, string? Error, string? Json = null);

/// <summary>A simulated session as <c>GET /simulator/sessions</c> shows it: the bodies received, as JSON objects.</summary>
public sealed record SimulatedSessionView(string SessionId, DateTimeOffset CreatedAt, JsonElement SessionStart, IReadOnlyList<string> EventTypes, IReadOnlyList<JsonElement> Events);

internal sealed class SimulatedSession(string id, DateTimeOffset createdAt, string sessionStart)
{
    private readonly List<PlaybackEvent> _events = [];

    public DateTimeOffset CreatedAt => createdAt;

    public void Add(PlaybackEvent e, int max)
    {
        lock (_events)
        {
            if (_events.Count < max)
            {
                _events.Add(e);
            }
        }
    }

    public SimulatedSessionView ToView()
    {
        lock (_events)
        {
            return new SimulatedSessionView(id, createdAt, JsonElement.Parse(sessionStart), [.. _events.Select(e => e.EventType)], [.. _events.Select(e => JsonElement.Parse(e.Json))]);
        }
    }
}
