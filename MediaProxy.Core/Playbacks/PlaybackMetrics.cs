using System.Diagnostics.Metrics;
using MediaProxy.Core.Media;

namespace MediaProxy.Core.Playbacks;

/// <summary>How an event reached the upstream: forwarded as it was posted, or replayed from the queue.</summary>
public enum DeliveryPath
{
    Direct,
    Replay,
}

/// <summary>
/// Instruments of the <c>MediaProxy</c> meter: what an operator graphs and alerts on (dead letters, delivery lag
/// and backlog above all). Exported by whatever the host wires to the meter (OpenTelemetry, dotnet-counters).
/// The backlog gauges are observed from <see cref="PlaybackBacklogSampler"/>'s last sample.
/// </summary>
public sealed class PlaybackMetrics
{
    public const string MeterName = "MediaProxy";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsFailed;
    private readonly Counter<long> _storeErrors;
    private readonly Histogram<double> _sessionsDuration;
    private readonly Histogram<double> _deliveryLag;
    private readonly TimeProvider _timeProvider;
    private volatile BacklogSample _backlog = BacklogSample.Empty;

    public PlaybackMetrics(IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("mediaproxy.events.accepted", "{event}", "Events answered 202 (durable or delivered), by event type.");
        _forwarded = meter.CreateCounter<long>("mediaproxy.events.forwarded", "{event}", "Events acknowledged by the upstream (204), by event type and path.");
        _deadLettered = meter.CreateCounter<long>("mediaproxy.events.dead_lettered", "{event}", "Events moved to a dead-letter list, by reason and event type.");
        _sessionsCreated = meter.CreateCounter<long>("mediaproxy.sessions.created", "{session}", "Upstream sessions created (201).");
        _sessionsFailed = meter.CreateCounter<long>("mediaproxy.sessions.failed", "{playback}", "Playbacks whose sessions call failed for good, by the upstream's last status.");
        _storeErrors = meter.CreateCounter<long>("mediaproxy.store.errors", "{error}", "Requests answered 503 because the store (Redis) could not be reached.");
        _sessionsDuration = meter.CreateHistogram<double>("mediaproxy.sessions.duration", "s", "Duration of upstream sessions calls (the wait MediaProxy hides), by status.");
        _deliveryLag = meter.CreateHistogram<double>("mediaproxy.events.delivery_lag", "s", "From an event's 202 to the upstream's 204 for it, by path (direct or replay).");
        meter.CreateObservableGauge("mediaproxy.queue.oldest_age", () => _backlog.OldestAge.TotalSeconds, "s",
            "Age of the oldest event among the playbacks due longest (whole store, last sample: take max, not sum, across instances).");
        meter.CreateObservableGauge("mediaproxy.playbacks.pending", () => _backlog.Pending, "{playback}",
            "Playbacks with pending work: a sessions call or a replay, parked ones included (whole store, last sample: take max across instances).");
    }

    public void Accepted(IReadOnlyList<PlaybackEvent> events)
    {
        foreach (var e in events)
        {
            _accepted.Add(1, new KeyValuePair<string, object?>("event.type", e.EventType));
        }
    }

    public void Forwarded(string eventType, int count, DeliveryPath path, DateTimeOffset? acceptedAt)
    {
        var pathTag = new KeyValuePair<string, object?>("path", path == DeliveryPath.Direct ? "direct" : "replay");
        _forwarded.Add(count, new KeyValuePair<string, object?>("event.type", eventType), pathTag);
        if (acceptedAt is { } at)
        {
            _deliveryLag.Record(Math.Max(0, (_timeProvider.GetUtcNow() - at).TotalSeconds), pathTag);
        }
    }

    public void DeadLettered(string reason, string eventType) => _deadLettered.Add(1,
        new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("event.type", eventType));

    public void SessionCreated() => _sessionsCreated.Add(1);

    public void SessionFailed(string status) => _sessionsFailed.Add(1, new KeyValuePair<string, object?>("status", status));

    public void StoreError() => _storeErrors.Add(1);

    public void SessionCallTook(TimeSpan elapsed, string status) =>
        _sessionsDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("status", status));

    /// <summary>The sampler's latest view of the whole store's backlog.</summary>
    public void Observe(BacklogSample sample) => _backlog = sample;
}

/// <summary>One sample of the backlog: playbacks with pending work, and the oldest waiting event's age.</summary>
public sealed record BacklogSample(long Pending, TimeSpan OldestAge)
{
    public static readonly BacklogSample Empty = new(0, TimeSpan.Zero);
}
