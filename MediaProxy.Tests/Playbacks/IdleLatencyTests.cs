using MediaProxy.Core.Playbacks;

namespace MediaProxy.Tests.Playbacks;

/// <summary>The idle accept time the replay governor compares posts with.</summary>
public sealed class IdleLatencyTests
{
    private const long Frequency = 1_000;

    [Fact]
    public void Add_BurstOfHeavyPostsWithin30s_KeepsTheLowestLevel()
    {
        var idle = new IdleLatency();
        Samples(idle, fromMs: 0, count: 20, everyMs: 50, ms: 1);
        Samples(idle, fromMs: 1_000, count: 200, everyMs: 35, ms: 30);

        Assert.Equal(1, idle.Milliseconds, 3);
    }

    [Fact]
    public void Add_SlowerForLongerThan30s_FollowsTheNewLevel()
    {
        var idle = new IdleLatency();
        Samples(idle, fromMs: 0, count: 20, everyMs: 50, ms: 1);
        // A Redis that got slower for everyone: 5 ms with nothing replaying, one sample every 10 s (each the first
        // after a long replay, so the average starts again from it).
        for (var at = 10_000; at <= 40_000; at += 10_000)
        {
            idle.Add(5, at, Frequency, fresh: true);
        }

        Assert.Equal(5, idle.Milliseconds, 3);
    }

    private static void Samples(IdleLatency idle, long fromMs, int count, long everyMs, double ms)
    {
        for (var i = 0; i < count; i++)
        {
            idle.Add(ms, fromMs + (i * everyMs), Frequency);
        }
    }
}
