namespace MediaProxy.Core.Upstream;

/// <summary>
/// The usual latency of one kind of call: the lowest answer of the last minute, kept as six 10-second minima. Slow
/// answers are not added, so a slow spell shows as "slower than usual" for about a minute, then the windows that
/// knew better expire and the new latency becomes the usual. Not thread-safe: its limiter locks around it.
/// </summary>
internal sealed class LatencyBaseline(TimeProvider timeProvider)
{
    private const int Windows = 6;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly long[] _window = new long[Windows];
    private readonly long[] _minimumTicks = new long[Windows];

    public void Add(TimeSpan latency)
    {
        var window = CurrentWindow();
        var i = (int)(window % Windows);
        if (_window[i] != window || _minimumTicks[i] == 0)
        {
            (_window[i], _minimumTicks[i]) = (window, Math.Max(1, latency.Ticks));
        }
        else if (latency.Ticks < _minimumTicks[i])
        {
            _minimumTicks[i] = Math.Max(1, latency.Ticks);
        }
    }

    /// <summary>Whether the answer took longer than <paramref name="tolerance"/> × the usual latency plus the slack.</summary>
    public bool IsSlow(TimeSpan latency, double tolerance, TimeSpan slack) =>
        Usual() is { } usual && latency > (usual * tolerance) + slack;

    /// <summary>The lowest latency of the last minute; null when nothing answered in it.</summary>
    public TimeSpan? Usual()
    {
        var current = CurrentWindow();
        long? lowest = null;
        for (var i = 0; i < Windows; i++)
        {
            if (_minimumTicks[i] > 0 && _window[i] > current - Windows)
            {
                lowest = Math.Min(lowest ?? long.MaxValue, _minimumTicks[i]);
            }
        }

        return lowest is { } ticks ? TimeSpan.FromTicks(ticks) : null;
    }

    // Window numbers count from 1, so a zeroed slot is never mistaken for a current one.
    private long CurrentWindow() => 1 + (timeProvider.GetElapsedTime(0, timeProvider.GetTimestamp()).Ticks / Window.Ticks);
}
