namespace MediaProxy.Core.Playbacks;

/// <summary>
/// What a post's accept takes here with replay out of the way, for <see cref="ReplayGovernor"/>: the lowest
/// short-term average (weight ¼) of posts accepted while no replay send was in flight, over the last 30 s. The
/// lowest, because a burst of heavy posts with nothing replaying (100-event arrays) must not make a replay's
/// slowdown look normal; over 30 s, so that a host (or a Redis) that really got slower for everyone is followed.
/// Not thread-safe: the governor calls it under its lock.
/// </summary>
internal sealed class IdleLatency
{
    private const int Seconds = 30;

    // Until a post was accepted with nothing replaying, the idle time is taken to be this.
    private const double DefaultMs = 1.0;

    private readonly double[] _lowestBySecond = new double[Seconds];
    private readonly long[] _second = Enumerable.Repeat(-2L * Seconds, Seconds).ToArray();
    private double _average;
    private bool _measured;

    /// <summary>The idle accept time, in milliseconds.</summary>
    public double Milliseconds { get; private set; } = DefaultMs;

    /// <summary>When the last idle sample came (a <see cref="TimeProvider"/> timestamp; 0: never).</summary>
    public long LastSample { get; private set; }

    /// <summary>One post accepted with nothing replaying; <paramref name="fresh"/>: the average so far is stale (the
    /// first sample after a long replay), start again from this one.</summary>
    public void Add(double ms, long timestamp, long timestampFrequency, bool fresh = false)
    {
        _average = _measured && !fresh ? (_average * 0.75) + (ms * 0.25) : ms;
        _measured = true;
        LastSample = timestamp;
        var second = timestamp / timestampFrequency;
        var slot = (int)(second % Seconds);
        if (_second[slot] != second || _average < _lowestBySecond[slot])
        {
            (_second[slot], _lowestBySecond[slot]) = (second, _average);
        }

        var lowest = double.MaxValue;
        for (var i = 0; i < Seconds; i++)
        {
            if (second - _second[i] < Seconds)
            {
                lowest = Math.Min(lowest, _lowestBySecond[i]);
            }
        }

        Milliseconds = lowest;
    }
}
