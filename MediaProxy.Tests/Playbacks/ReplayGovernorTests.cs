using System.Diagnostics.Metrics;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The replay's send limit as a function of the posts' latency, on a fake clock. Defaults: 64 + 128 loops,
/// so the limit starts at 192; the threshold is 1.3× the idle time, which is never taken below 0.5 ms.
/// </summary>
public sealed class ReplayGovernorTests : IDisposable
{
    // Every governor made here is disposed with the test class (the probe's timer).
    private readonly List<ReplayGovernor> _governors = [];
    private const int Max = 192;
    private readonly FakeTimeProvider _time = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _governors.ForEach(g => g.Dispose());
        _services.Dispose();
    }

    [Fact]
    public void PostAccepted_PostsSlowedWhileReplaying_HalvesTheLimitPerSlowPost()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        SendAfterAPause(governor);

        Post(governor, TimeSpan.FromMilliseconds(20));
        Assert.Equal(Max / 2, governor.Limit);
        Post(governor, TimeSpan.FromMilliseconds(20));
        Assert.Equal(Max / 4, governor.Limit);
    }

    [Fact]
    public void PostAccepted_PostsAsFastAsIdleWhileReplaying_RaiseTheLimitByOneEvery10Ms()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        SendAfterAPause(governor);
        Post(governor, TimeSpan.FromMilliseconds(50));
        FastPosts(governor, 30, TimeSpan.FromMilliseconds(10));
        var climbing = governor.Limit;

        FastPosts(governor, 10, TimeSpan.FromMilliseconds(10));
        Assert.Equal(climbing + 10, governor.Limit);
        FastPosts(governor, 10, TimeSpan.FromMilliseconds(1));
        Assert.InRange(governor.Limit, climbing + 10, climbing + 11);
    }

    /// <summary>
    /// A replay beginning while posts arrive: one send at a time, and (a thousand sessions answered at once) one
    /// recording at a time, each lane waiting until its own slot is given back.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EnterAsync_AtTheLimitWhilePostsArrive_WaitsUntilItsLaneHasASlot(bool recording)
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        Func<CancellationToken, Task> enter = recording ? governor.EnterRecordingAsync : governor.EnterAsync;

        Assert.True(enter(CancellationToken.None).IsCompleted);
        var second = enter(CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, governor.Limit);

        (recording ? (Action)governor.ExitRecording : governor.Exit)();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, recording ? governor.RecordingsInFlight : governor.InFlight);
    }

    [Fact]
    public void EnterRecordingAsync_SendsQueuedAtTheLimit_DoesNotWaitBehindThem()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        Assert.True(governor.EnterAsync(CancellationToken.None).IsCompleted);
        var queued = governor.EnterAsync(CancellationToken.None);
        Assert.False(queued.IsCompleted);

        Assert.True(governor.EnterRecordingAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public void PostAccepted_SlowedWhileOnlyRecordingsRun_NotTakenForAnIdlePost()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        _time.Advance(ReplayGovernor.IdleWindow + TimeSpan.FromMilliseconds(1));
        Assert.True(governor.EnterRecordingAsync(CancellationToken.None).IsCompleted);

        // Slowed by the recordings: the replay's doing, so the limit gives way rather than the idle time growing.
        Post(governor, TimeSpan.FromMilliseconds(20));
        Assert.Equal(Max / 2, governor.Limit);
    }

    [Fact]
    public async Task EnterAsync_NoPostsForTheIdleWindow_LiftsTheLimit()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        SendAfterAPause(governor);
        Post(governor, TimeSpan.FromMilliseconds(50));
        Post(governor, TimeSpan.FromMilliseconds(50));
        Assert.Equal(Max / 4, governor.Limit);

        _time.Advance(ReplayGovernor.IdleWindow + TimeSpan.FromMilliseconds(1));
        await governor.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Max, governor.Limit);
    }

    [Fact]
    public void PostAccepted_YieldingTurnedOff_NeverLowersTheLimit()
    {
        var governor = Create(yields: false);
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        _ = governor.EnterAsync(CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            Post(governor, TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(Max, governor.Limit);
    }

    [Fact]
    public void PostAccepted_HeavyPostsWithNothingReplaying_DoNotMakeASlowdownLookNormal()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        // A burst of 100-event arrays, nothing replaying: slow, but not the replay's doing.
        IdlePosts(governor, 200, TimeSpan.FromMilliseconds(30));
        SendAfterAPause(governor);

        // 10 ms is fast next to the burst, and 10× the idle time: the replay gives way.
        Post(governor, TimeSpan.FromMilliseconds(10));
        Assert.Equal(Max / 2, governor.Limit);
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_LeavesTheSlotToTheNextWaiter()
    {
        var governor = Create();
        IdlePosts(governor, 5, TimeSpan.FromMilliseconds(1));
        await governor.EnterAsync(CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        var gaveUp = governor.EnterAsync(cancelled.Token);
        var next = governor.EnterAsync(CancellationToken.None);

        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);
        governor.Exit();

        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, governor.InFlight);
    }

    [Fact]
    public async Task EnterAsync_HeldBackWithNoIdleSampleFor10s_PausesSendsUntilAPostIsMeasuredAlone()
    {
        var governor = HeldBackFor11Seconds();

        var paused = governor.EnterAsync(CancellationToken.None);
        Assert.False(paused.IsCompleted);
        Post(governor, TimeSpan.FromMilliseconds(1));

        await paused.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task EnterAsync_PausedToMeasureAndNoPostComes_ResumesAfter200Ms()
    {
        var governor = HeldBackFor11Seconds();

        var paused = governor.EnterAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(paused.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await paused.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void PostAccepted_PostsSlowForAnotherReason_ReplayNotHeldAtOneSendForGood()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        SendAfterAPause(governor);
        Task? send = Task.CompletedTask;

        // Redis got slower for everyone: posts take 5 ms whether anything replays or not. One replay loop sends.
        for (var i = 0; i < 600; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            if (send is { IsCompletedSuccessfully: true })
            {
                governor.Exit();
                send = null;
            }

            send ??= governor.EnterAsync(CancellationToken.None);
            Post(governor, TimeSpan.FromMilliseconds(5));
        }

        Assert.True(governor.Limit > 50, $"limit {governor.Limit}");
    }

    private ReplayGovernor Create(bool yields = true)
    {
        var governor = new ReplayGovernor(Options.Create(new PlaybackOptions { ReplayYieldsToPosts = yields }),
            Options.Create(new UpstreamOptions { MaxConcurrentEventSends = 192 }), _time, _services.GetRequiredService<IMeterFactory>());
        _governors.Add(governor);
        return governor;
    }

    /// <summary>
    /// Idle posts at 1 ms, then 11 s of replay with posts at 2 ms (no idle sample meanwhile): the limit is down to
    /// one, and the one send has just ended.
    /// </summary>
    private ReplayGovernor HeldBackFor11Seconds()
    {
        var governor = Create();
        IdlePosts(governor, 20, TimeSpan.FromMilliseconds(1));
        SendAfterAPause(governor);
        for (var i = 0; i < 110; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            Post(governor, TimeSpan.FromMilliseconds(2));
        }

        Assert.Equal(1, governor.Limit);
        governor.Exit();
        return governor;
    }

    /// <summary>A replay send begins after a pause in the posts: no slow start, the limit at its maximum.</summary>
    private void SendAfterAPause(ReplayGovernor governor)
    {
        _time.Advance(ReplayGovernor.IdleWindow + TimeSpan.FromMilliseconds(1));
        Assert.True(governor.EnterAsync(CancellationToken.None).IsCompleted);
        Assert.Equal(Max, governor.Limit);
    }

    private void FastPosts(ReplayGovernor governor, int count, TimeSpan apart)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(apart);
            Post(governor, TimeSpan.FromMilliseconds(0.2));
        }
    }

    /// <summary>Posts taking <paramref name="took"/> each with nothing replaying, 5 ms apart.</summary>
    private void IdlePosts(ReplayGovernor governor, int count, TimeSpan took)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(5));
            Post(governor, took);
        }
    }

    private void Post(ReplayGovernor governor, TimeSpan took)
    {
        var timing = governor.PostStarted();
        _time.Advance(took);
        governor.PostAccepted(timing);
    }
}
