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

    /// <summary>
    /// Bucket bounds (s) of the sessions call: no wider than a quarter of their upper bound from 1 s to 30 s, so a
    /// 2 s call reads as 2–2.5 s in a quantile (OpenTelemetry's default bounds, 0, 5, 10, 25 … 10000, are sized for
    /// milliseconds).
    /// </summary>
    public static readonly IReadOnlyList<double> SessionsDurationBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12.5, 15, 20, 25, 30, 45, 60];

    /// <summary>Bucket bounds (s) of the delivery lag: milliseconds when forwarded directly, up to a day in an outage.</summary>
    public static readonly IReadOnlyList<double> DeliveryLagBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 7.5, 10, 15, 20, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400];

    /// <summary>The states a playback in the pending index can be in: reported even at zero, so a line drops to 0 rather than vanishing.</summary>

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsFailed;
    private readonly Counter<long> _storeErrors;
    private readonly Histogram<double> _sessionsDuration;
    private readonly Histogram<double> _deliveryLag;
    private readonly TimeProvider _timeProvider;
    private static readonly string[] PendingStates = [PlaybackState.Starting.ToWire(), PlaybackState.Replaying.ToWire()];
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
        _sessionsDuration = meter.CreateHistogram("mediaproxy.sessions.duration", "s", "Duration of upstream sessions calls (the wait MediaProxy hides), by status.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SessionsDurationBuckets });
        _deliveryLag = meter.CreateHistogram("mediaproxy.events.delivery_lag", "s", "From an event's 202 to the upstream's 204 for it, by path (direct or replay).",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryLagBuckets });
        meter.CreateObservableGauge("mediaproxy.queue.depth", () => _backlog.QueuedEvents, "{event}",
            "Events waiting in the queues of playbacks with pending work (whole store, last sample, estimated beyond 64 playbacks: take max, not sum, across instances).");
        meter.CreateObservableGauge("mediaproxy.queue.oldest_age", () => _backlog.OldestAge.TotalSeconds, "s",
            "Age of the oldest event among the playbacks due longest (whole store, last sample: take max across instances).");
        meter.CreateObservableGauge("mediaproxy.playbacks.pending", ObservePending, "{playback}",
            "Playbacks with pending work (a sessions call or a replay, parked ones included) by state (whole store, last sample; the split is estimated beyond 64: take max across instances).");
        meter.CreateObservableGauge("mediaproxy.playbacks.failed", () => _backlog.Failed, "{playback}",
            "Playbacks failed for good, listed for the admin API's retry (whole store, last sample: take max across instances).");

        // The failure counters exist from the start at 0: a dashboard's rate() then reads 0, not "no data".
        _storeErrors.Add(0);
        _sessionsFailed.Add(0);
        _deadLettered.Add(0, new KeyValuePair<string, object?>("reason", "rejected"));
        _deadLettered.Add(0, new KeyValuePair<string, object?>("reason", "expired"));
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

    // Both states with work are always reported (0 when none): a dashboard reads 0, not "no data".
    private IEnumerable<Measurement<long>> ObservePending() =>
        PendingStates.Union(_backlog.PendingByState.Keys, StringComparer.Ordinal).Select(state =>
            new Measurement<long>(_backlog.PendingByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state)));
}

/// <summary>
/// One sample of the backlog: playbacks with pending work and failed ones, the events queued, the oldest waiting
/// event's age, and the pending playbacks by state (adding up to <paramref name="Pending"/>, give or take rounding).
/// </summary>
public sealed record BacklogSample(long Pending, long Failed, long QueuedEvents, TimeSpan OldestAge, IReadOnlyDictionary<string, long> PendingByState)
{
    public static readonly BacklogSample Empty = new(0, 0, 0, TimeSpan.Zero, new Dictionary<string, long>());
}
