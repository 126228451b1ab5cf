using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Upstream;

/// <summary>Which of the two calls.</summary>
public enum UpstreamCall
{
    Sessions,
    Events,
}

/// <summary>
/// The one way to the upstream, for sessions calls and event posts alike: the outage state
/// (<see cref="UpstreamHealth"/>) and a concurrency limit per call (<see cref="AdaptiveConcurrencyLimiter"/>).
/// <see cref="EnterAsync"/> hands out a pass or refuses locally; <see cref="Exit"/> feeds the answer back to both.
/// </summary>
public sealed class UpstreamGate
{
    private readonly TimeProvider _time;

    public UpstreamGate(UpstreamHealth health, IOptions<UpstreamOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory)
    {
        var o = options.Value;
        (Health, _time) = (health, timeProvider);
        Sessions = new AdaptiveConcurrencyLimiter(o.MaxConcurrentSessionCalls, o.InitialConcurrentSessionCalls ?? InitialLimit(o.MaxConcurrentSessionCalls),
            o.LatencyTolerance, timeProvider);
        Events = new AdaptiveConcurrencyLimiter(o.MaxConcurrentEventSends, InitialLimit(o.MaxConcurrentEventSends), o.LatencyTolerance, timeProvider);
        health.Recovered += () =>
        {
            Sessions.Restart();
            Events.Restart();
        };
        var meter = meterFactory.Create("MediaProxy");
        meter.CreateObservableGauge("mediaproxy.upstream.available", () => Health.IsAvailable ? 1 : 0, null,
            "1 while this instance takes the upstream as up, 0 while it is down (waiting work parked, one probe per interval).");
        meter.CreateObservableGauge("mediaproxy.upstream.concurrency_limit", () => new[]
        {
            new Measurement<int>(Sessions.Limit, new KeyValuePair<string, object?>("call", "sessions")),
            new Measurement<int>(Events.Limit, new KeyValuePair<string, object?>("call", "events")),
        }, "{request}", "Calls allowed in flight at once on this instance (adapts to the upstream).");
        meter.CreateObservableGauge("mediaproxy.upstream.in_flight", () => new[]
        {
            new Measurement<int>(Sessions.InFlight, new KeyValuePair<string, object?>("call", "sessions")),
            new Measurement<int>(Events.InFlight, new KeyValuePair<string, object?>("call", "events")),
        }, "{request}", "Calls in flight on this instance.");
    }

    public UpstreamHealth Health { get; }

    public AdaptiveConcurrencyLimiter Sessions { get; }

    public AdaptiveConcurrencyLimiter Events { get; }

    /// <summary>
    /// A pass for one call, or null when it may not go out: the upstream is down (and this is not the probe), or no
    /// slot is free and <paramref name="wait"/> is false.
    /// </summary>
    public async ValueTask<UpstreamPass?> EnterAsync(UpstreamCall call, bool wait, CancellationToken cancellationToken)
    {
        var limiter = Limiter(call);
        if (!Health.IsAvailable)
        {
            if (Health.NextProbeAt > _time.GetUtcNow())
            {
                return null; // down and no probe due: not even a slot
            }

            // The probe is the health state's to pace, not the limiter's: probes hung in a dead upstream hold their
            // slots for a whole attempt timeout, and must not keep the next probe in.
            switch (Health.TryEnter())
            {
                case HealthPermit.Probe:
                    return new UpstreamPass(call, HealthPermit.Probe, limiter.AcquireBeyondLimit(), _time.GetTimestamp());
                case HealthPermit.Refused:
                    return null;
            }

            // Back up meanwhile: a call like any other.
        }

        LimiterPermit slot;
        if (wait)
        {
            slot = await limiter.AcquireAsync(cancellationToken);
        }
        else if (!limiter.TryAcquire(out slot))
        {
            return null;
        }

        var permit = Health.TryEnter();
        if (permit == HealthPermit.Refused)
        {
            limiter.Release(slot, LimiterSample.None, TimeSpan.Zero);
            return null;
        }

        return new UpstreamPass(call, permit, slot, _time.GetTimestamp());
    }

    /// <summary>Ends a pass with the call's result: the outage state and the concurrency limit learn from it.</summary>
    public void Exit(UpstreamPass pass, UpstreamResult result)
    {
        var latency = _time.GetElapsedTime(pass.Started);
        var sample = result.Signal switch
        {
            UpstreamSignal.Answered => LimiterSample.Answered,
            UpstreamSignal.Overloaded => LimiterSample.Refused,
            UpstreamSignal.Failing => LimiterSample.Overloaded,
            _ => LimiterSample.None,
        };
        Limiter(pass.Call).Release(pass.Slot, sample, latency);
        Health.Report(pass.Permit, result.Signal, result.RetryAfter);
    }

    /// <summary>Ends a pass whose call never got an answer (the caller gave up): nothing is learnt.</summary>
    public void Abandon(UpstreamPass pass)
    {
        Limiter(pass.Call).Release(pass.Slot, LimiterSample.None, TimeSpan.Zero);
        Health.Report(pass.Permit, UpstreamSignal.None, null);
    }

    /// <summary>
    /// A sixteenth of the ceiling, at least 16 (1,024 sessions calls, 64 sends by default): a flash crowd of a thousand
    /// playbacks starts in one round trip, the slow start (<see cref="AdaptiveConcurrencyLimiter.SlowStartGrowth"/>)
    /// reaches the ceiling in the next, and a hung upstream holds a sixteenth of the calls it could. The sessions
    /// calls' start can be set on its own (<see cref="UpstreamOptions.InitialConcurrentSessionCalls"/>).
    /// </summary>
    internal static int InitialLimit(int ceiling) => Math.Min(ceiling, Math.Max(16, ceiling / AdaptiveConcurrencyLimiter.SlowStartGrowth));

    private AdaptiveConcurrencyLimiter Limiter(UpstreamCall call) => call == UpstreamCall.Sessions ? Sessions : Events;
}

/// <summary>Leave to make one call: its health permit, its concurrency slot and when it started.</summary>
public readonly record struct UpstreamPass(UpstreamCall Call, HealthPermit Permit, LimiterPermit Slot, long Started);
