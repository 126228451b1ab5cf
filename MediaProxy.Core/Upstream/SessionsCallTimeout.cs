using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// The sessions call's attempt timeout on this instance. A timed-out sessions call may still create a session
/// upstream, so timeouts must not repeat: each one doubles the timeout (up to
/// <see cref="UpstreamOptions.MaxSessionsAttemptTimeout"/>), and a playback whose own call timed out is tried again
/// with the maximum, so an upstream that answers within it makes at most two sessions for it. Answers bring the
/// timeout back towards <see cref="UpstreamOptions.AttemptTimeout"/>, never below four times their latency.
/// </summary>
public sealed class SessionsCallTimeout(IOptions<UpstreamOptions> options)
{
    private long _ticks = options.Value.AttemptTimeout.Ticks;

    public TimeSpan Current => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Whether a call with this timeout was given longer than usual: the upstream has been timing out.</summary>
    public bool IsGrown(TimeSpan attemptTimeout) => attemptTimeout > options.Value.AttemptTimeout;

    /// <summary>The timeout for a playback's next sessions call.</summary>
    public TimeSpan For(bool timedOutBefore) => timedOutBefore ? options.Value.MaxSessionsAttemptTimeout : Current;

    public void TimedOut()
    {
        var max = options.Value.MaxSessionsAttemptTimeout.Ticks;
        Update(current => Math.Min(max, current * 2));
    }

    public void Answered(TimeSpan latency)
    {
        var floor = options.Value.AttemptTimeout.Ticks;
        Update(current => Math.Max(floor, Math.Min(current, latency.Ticks * 4)));
    }

    private void Update(Func<long, long> next)
    {
        long current, updated;
        do
        {
            current = Interlocked.Read(ref _ticks);
            updated = next(current);
        }
        while (Interlocked.CompareExchange(ref _ticks, updated, current) != current);
    }
}
