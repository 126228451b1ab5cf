using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// This instance's view of the upstream: up, or down since some time. Down after
/// <see cref="UpstreamOptions.OutageThreshold"/> failed calls in a row (5xx, timeouts, refused connections; a 429
/// or any other answer proves it up). While down, nothing is sent except one probe per
/// <see cref="UpstreamOptions.ProbeInterval"/> (jittered up to half an interval later, never before a
/// <c>Retry-After</c>), whether or not the last one has its answer yet: a probe to a hung upstream waits a whole
/// sessions attempt timeout, and the upstream may be back long before. The first answer brings it back up and
/// <see cref="Recovered"/> tells whoever parked work; a probe still unanswered <see cref="ProbeGrace"/> later is
/// taken as lost in the hang (<see cref="ProbesOutlived"/>).
/// </summary>
public sealed partial class UpstreamHealth(IOptions<UpstreamOptions> options, TimeProvider timeProvider, ILogger<UpstreamHealth> logger) : IDisposable
{
    private readonly object _gate = new();
    private volatile bool _down;
    private int _failuresInARow;
    private DateTimeOffset _downSince;
    private DateTimeOffset _nextProbe;
    private CancellationTokenSource _outage = new(Timeout.InfiniteTimeSpan, timeProvider);

    /// <summary>
    /// How long after the upstream came back a probe sent while it was down may still take to answer: a probe
    /// interval, at least <see cref="MinimumProbeGrace"/>. One answered in that time made the playback's only session.
    /// </summary>
    public TimeSpan ProbeGrace => options.Value.ProbeInterval > MinimumProbeGrace ? options.Value.ProbeInterval : MinimumProbeGrace;

    internal static readonly TimeSpan MinimumProbeGrace = TimeSpan.FromSeconds(2);

    /// <summary>Raised (outside any lock) when the upstream answers again after being down.</summary>
    public event Action? Recovered;

    public bool IsAvailable => !_down;

    /// <summary>
    /// Cancelled <see cref="ProbeGrace"/> after the upstream came back: a probe still waiting then is abandoned and
    /// sent again, since a call sent into a hung upstream is likely never answered, and would hold its playback a
    /// whole attempt timeout.
    /// </summary>
    public CancellationToken ProbesOutlived
    {
        get
        {
            lock (_gate)
            {
                return _outage.Token;
            }
        }
    }

    /// <summary>
    /// While down, when the next probe may go out; null while up. Until then the worker, the sweeper and the gate
    /// lease, read and wait for nothing.
    /// </summary>
    public DateTimeOffset? NextProbeAt
    {
        get
        {
            lock (_gate)
            {
                if (!_down)
                {
                    return null;
                }

                return _nextProbe;
            }
        }
    }

    /// <summary>Whether a call may go out now: always while up; while down, one probe when it is due.</summary>
    public HealthPermit TryEnter()
    {
        if (!_down)
        {
            return HealthPermit.Call;
        }

        lock (_gate)
        {
            if (!_down)
            {
                return HealthPermit.Call;
            }

            var now = timeProvider.GetUtcNow();
            if (now < _nextProbe)
            {
                return HealthPermit.Refused;
            }

            // The next interval's probe is due an interval from now, answered or not: one call per interval.
            _nextProbe = NextProbe(now, null);
            return HealthPermit.Probe;
        }
    }

    /// <summary>What a call that <see cref="TryEnter"/> let through learnt.</summary>
    public void Report(HealthPermit permit, UpstreamSignal signal, TimeSpan? retryAfter)
    {
        CancellationTokenSource? ended = null;
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            switch (signal)
            {
                case UpstreamSignal.Answered or UpstreamSignal.Overloaded:
                    _failuresInARow = 0;
                    if (_down)
                    {
                        _down = false;
                        (ended, _outage) = (_outage, new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider));
                        LogRecovered(logger, (now - _downSince).TotalSeconds);
                    }

                    break;

                case UpstreamSignal.Failing:
                    _failuresInARow++;
                    if (!_down && _failuresInARow >= options.Value.OutageThreshold)
                    {
                        (_down, _downSince) = (true, now);
                        _nextProbe = NextProbe(now, retryAfter);
                        LogDown(logger, _failuresInARow, options.Value.ProbeInterval.TotalSeconds);
                    }
                    else if (_down && permit == HealthPermit.Probe && retryAfter is { } after && now + after > _nextProbe)
                    {
                        // The next probe was set when this one left; only the upstream's Retry-After moves it. Hung
                        // probes time out one after another, and pushing it on at each would starve the probing.
                        _nextProbe = now + after;
                    }

                    break;

                case UpstreamSignal.None when permit == HealthPermit.Probe:
                    // The probe never went out (no slot, cancelled): the next caller may probe.
                    _nextProbe = now;
                    break;
            }
        }

        if (ended is not null)
        {
            Recovered?.Invoke();
            // Not disposed: its timer must still fire (it is dropped once it has; nothing else holds it).
            ended.CancelAfter(ProbeGrace);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _outage.Dispose();
        }
    }

    private DateTimeOffset NextProbe(DateTimeOffset now, TimeSpan? retryAfter)
    {
        // Jittered up to half an interval later, so instances that went down together do not probe together, and
        // never sooner: at most one probe per interval.
        var interval = options.Value.ProbeInterval;
        var delay = interval + (interval / 2 * Random.Shared.NextDouble());
        return now + (retryAfter is { } after && after > delay ? after : delay);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Upstream DOWN after {Failures} failed calls in a row: waiting playbacks are parked (no calls, no store writes); one probe every ~{ProbeSeconds:F0} s")]
    private static partial void LogDown(ILogger logger, int failures, double probeSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream back after {DownSeconds:F0} s down: resuming parked playbacks, oldest first")]
    private static partial void LogRecovered(ILogger logger, double downSeconds);
}

/// <summary>What <see cref="UpstreamHealth.TryEnter"/> allows.</summary>
public enum HealthPermit
{
    /// <summary>The upstream is up: call.</summary>
    Call,

    /// <summary>The upstream is down and this call is the one probe of the interval.</summary>
    Probe,

    /// <summary>The upstream is down: do not call (a local refusal, never counted against the work).</summary>
    Refused,
}
