using MediaProxy.Core.Playbacks;

namespace MediaProxy.Tests.Playbacks;

/// <summary>Sessions call slots, and the playbacks that wait in memory for one.</summary>
public sealed class SessionCallBudgetTests
{
    [Fact]
    public async Task SessionCallSlotFreed_RefusedAgainWhileWaiting_StillOneWaiterSoTheNextPlaybackIsWoken()
    {
        using var budget = new SessionCallBudget(1);
        Assert.True(await budget.TryTakeAsync("a", CancellationToken.None));
        Assert.False(await budget.TryTakeAsync("b", CancellationToken.None));
        var bWakes = budget.SessionCallSlotFreed("b")!;
        Assert.True(budget.IsWaiting("b"));

        // The sweeper finds b again while it waits (its due time passed): one waiter, not two.
        Assert.False(await budget.TryTakeAsync("b", CancellationToken.None));
        Assert.Same(bWakes, budget.SessionCallSlotFreed("b"));

        budget.Release();
        await bWakes.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(budget.IsWaiting("b"));
        Assert.True(await budget.TryTakeAsync("b", CancellationToken.None));
        Assert.False(await budget.TryTakeAsync("c", CancellationToken.None));
        var cWakes = budget.SessionCallSlotFreed("c")!;

        // A second waiter left behind for b would take this wake-up, and c would wait for nothing.
        budget.Release();
        await cWakes.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void SessionCallSlotFreed_NotRefused_NothingToWaitFor()
    {
        using var budget = new SessionCallBudget(1);
        Assert.Null(budget.SessionCallSlotFreed("a"));
        Assert.False(budget.IsWaiting("a"));
    }
}
