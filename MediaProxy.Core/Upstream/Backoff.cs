namespace MediaProxy.Core.Upstream;

/// <summary>
/// Retry delays with full jitter (a uniform draw between zero and the exponential bound, as in AWS's "Exponential
/// Backoff and Jitter"): playbacks that failed together do not come back together.
/// </summary>
public static class Backoff
{
    /// <summary>
    /// The wait before try number <paramref name="failures"/> + 1: uniform in [0, min(max, base × 2^(failures − 1))],
    /// and never shorter than the upstream's <paramref name="retryAfter"/>.
    /// </summary>
    public static TimeSpan FullJitter(int failures, TimeSpan baseDelay, TimeSpan maxDelay, TimeSpan? retryAfter = null, Random? random = null)
    {
        var bound = Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30)));
        var delay = TimeSpan.FromTicks((long)(bound * (random ?? Random.Shared).NextDouble()));
        return retryAfter is { } after && after > delay ? after : delay;
    }
}
