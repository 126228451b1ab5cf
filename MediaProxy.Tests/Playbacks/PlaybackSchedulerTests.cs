using MediaProxy.Core.Playbacks;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The in-process schedule of playbacks to work: each key once at a time, and a playback holding a reserved sessions
/// slot ahead of those already waiting.
/// </summary>
public sealed class PlaybackSchedulerTests
{
    [Fact]
    public async Task ReadAllAsync_KeyScheduledFirst_ComesBeforeTheKeysScheduledEarlier()
    {
        var scheduler = new PlaybackScheduler();
        foreach (var key in new[] { "a", "b", "c" })
        {
            scheduler.Schedule(key);
        }

        scheduler.ScheduleFirst("reserved");

        Assert.Equal(["reserved", "a", "b", "c"], await ReadAsync(scheduler, 4));
    }

    [Fact]
    public async Task ScheduleFirst_KeyAlreadyScheduled_ReadOnceWhereItWas()
    {
        var scheduler = new PlaybackScheduler();
        scheduler.Schedule("a");
        scheduler.Schedule("b");

        scheduler.ScheduleFirst("b");
        scheduler.Schedule("c");

        Assert.Equal(["a", "b", "c"], await ReadAsync(scheduler, 3));
        Assert.Equal(3, scheduler.Count);
    }

    private static async Task<List<string>> ReadAsync(PlaybackScheduler scheduler, int count)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // liveness only: nothing here waits
        var keys = new List<string>();
        await foreach (var key in scheduler.ReadAllAsync(guard.Token))
        {
            keys.Add(key);
            if (keys.Count == count)
            {
                break;
            }
        }

        return keys;
    }
}
