using System.Diagnostics.Metrics;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Counters of the <c>MediaProxy</c> meter: what an operator graphs and alerts on (dead letters above all).
/// Exported by whatever the host wires to the meter (OpenTelemetry, dotnet-counters).
/// </summary>
public sealed class PlaybackMetrics
{
    public const string MeterName = "MediaProxy";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _forwarded;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _sessionsCreated;
    private readonly Counter<long> _sessionsFailed;
    private readonly Histogram<double> _sessionsDuration;

    public PlaybackMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _accepted = meter.CreateCounter<long>("mediaproxy.events.accepted", "{event}", "Events answered 202 (durable or delivered).");
        _forwarded = meter.CreateCounter<long>("mediaproxy.events.forwarded", "{event}", "Events acknowledged by the upstream (204).");
        _deadLettered = meter.CreateCounter<long>("mediaproxy.events.dead_lettered", "{event}", "Events moved to a dead-letter list.");
        _sessionsCreated = meter.CreateCounter<long>("mediaproxy.sessions.created", "{session}", "Upstream sessions created (201).");
        _sessionsFailed = meter.CreateCounter<long>("mediaproxy.sessions.failed", "{playback}", "Playbacks whose sessions call failed for good.");
        _sessionsDuration = meter.CreateHistogram<double>("mediaproxy.sessions.duration", "s", "Duration of upstream sessions calls (the wait MediaProxy hides), by outcome.");
    }

    public void Accepted(int count) => _accepted.Add(count);

    public void Forwarded(int count) => _forwarded.Add(count);

    public void DeadLettered(string reason) => _deadLettered.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void SessionCreated() => _sessionsCreated.Add(1);

    public void SessionFailed() => _sessionsFailed.Add(1);

    public void SessionCallTook(TimeSpan elapsed, string outcome) =>
        _sessionsDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
}
