using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The worker against a real HTTP upstream and a real store (seen through counting decorators) on a fake clock:
/// it works a scheduled playback under a lease and writes the stage's outcome to the pending index; a playback whose
/// sessions call finds no slot waits for one in memory, holding no lease; while the upstream is down and no probe is
/// due (or the probe is out) it does nothing at all for a scheduled playback.
/// </summary>
public sealed class PlaybackWorkerTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    [Fact]
    public async Task ExecuteAsync_UpstreamDownNoProbeDue_ScheduledPlaybacksNeitherLeasedNorCostAStoreCommand()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await rig.StartingAsync(NewKey(), queued: 1));
        }

        await rig.BringDownAsync();
        rig.Store.Calls.Reset();
        rig.Coordination.Calls.Reset();
        await rig.StartWorkerAsync();

        keys.ForEach(rig.Scheduler.Schedule);
        await IdleAsync(rig);

        Assert.Equal(0, rig.Coordination.Calls.Total);
        Assert.Equal(0, rig.Store.Calls.Total);
        foreach (var key in keys)
        {
            Assert.False(await rig.IsLeasedAsync(key));
            Assert.Equal(0, rig.SessionCalls(key));
        }
    }

    [Fact]
    public async Task ExecuteAsync_ProbeInFlight_ScheduledPlaybacksNeitherLeasedNorCostAStoreCommand()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await rig.StartingAsync(NewKey(), queued: 1));
        }

        await rig.BringDownAsync();
        rig.AdvanceToProbe();
        // This interval's probe is out: another playback's call, waiting for its answer (a hung upstream: up to
        // the sessions attempt timeout).
        Assert.Equal(HealthPermit.Probe, rig.Gate.Health.TryEnter());
        rig.Store.Calls.Reset();
        rig.Coordination.Calls.Reset();
        await rig.StartWorkerAsync();

        keys.ForEach(rig.Scheduler.Schedule);
        await IdleAsync(rig);

        Assert.Equal(0, rig.Coordination.Calls.Total);
        Assert.Equal(0, rig.Store.Calls.Total);
    }

    [Fact]
    public async Task ExecuteAsync_Scheduled_WorkedUnderALeaseToLiveThenOffTheIndex()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey(), queued: 2);
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Live, playback.State);
        Assert.Equal([1, 2], rig.Delivered(playback.SessionId!));
        Assert.Equal(1, rig.Coordination.Calls["TryAcquireLeaseAsync"]);
        Assert.False(await rig.IsLeasedAsync(key));
        Assert.Null(await rig.PendingScoreAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_StageRetryAfter_DueAfterItsDelayAndLeaseFreed()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        // Retry-After 5 s is above any draw of the first backoff (≤ 1 s): the delay is exactly 5 s.
        rig.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), 1, 429, TimeSpan.FromSeconds(5));
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        Assert.Equal(rig.NowScore + 5_000, await rig.PendingScoreAsync(key));
        Assert.False(await rig.IsLeasedAsync(key));
        Assert.Equal(PlaybackState.Starting, (await rig.GetAsync(key)).State);
    }

    [Fact]
    public async Task ExecuteAsync_StageParked_DueNowLeaseFreed()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.OutageThreshold = 1);
        var key = await rig.StartingAsync(NewKey());
        rig.Time.Advance(TimeSpan.FromMinutes(1));
        rig.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), 1, 503);
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        Assert.False(rig.Gate.Health.IsAvailable);
        Assert.Equal(rig.NowScore, await rig.PendingScoreAsync(key));
        Assert.False(await rig.IsLeasedAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_PlaybackFailedByTheUpstream_OffTheIndexListedAsFailed()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), 1, 400);
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        Assert.Equal(PlaybackState.Failed, (await rig.GetAsync(key)).State);
        Assert.Null(await rig.PendingScoreAsync(key));
        Assert.True(await rig.IsListedFailedAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_NoSessionSlot_WaitsHoldingNoLeaseThenWorkedOnTheSlotReservedForIt()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey(), queued: 1);
        var other = await OtherPlaybacksCallAsync(rig);
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        // Waiting in memory: no lease, no call, and the others kept off it for a while.
        Assert.False(await rig.IsLeasedAsync(key));
        Assert.Equal(0, rig.SessionCalls(key));
        Assert.Equal(rig.NowScore + 30_000, await rig.PendingScoreAsync(key));

        AnswerCreated(rig, other);

        await GoesLiveOnOneCallAsync(rig, key);
        Assert.Null(await rig.PendingScoreAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_NewSessionStartNoSessionSlot_WaitsAtTheCostOfOneMarkThenGoesLive()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey(), queued: 1);
        var other = await OtherPlaybacksCallAsync(rig);
        await rig.StartWorkerAsync();
        rig.Store.Calls.Reset();
        rig.Coordination.Calls.Reset();

        rig.Scheduler.ScheduleNewStart(key);
        await IdleAsync(rig);

        // No lease taken and given back, no state read: only the others kept off it while it waits.
        Assert.Equal((1, 1), (rig.Coordination.Calls.Total, rig.Coordination.Calls["MarkPendingAsync"]));
        Assert.Equal(0, rig.Store.Calls.Total);
        Assert.Equal(rig.NowScore + 30_000, await rig.PendingScoreAsync(key));
        Assert.False(await rig.IsLeasedAsync(key));

        AnswerCreated(rig, other);

        await GoesLiveOnOneCallAsync(rig, key);
    }

    [Fact]
    public async Task ExecuteAsync_NewSessionStartAlreadyStartedElsewhere_SlotGivenBackAndQueueReplayed()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey(), queued: 1);
        await rig.StartWorkerAsync();
        rig.Scheduler.Schedule(key);
        await Eventually.WaitUntilAsync(async () => (await rig.GetAsync(key)).State == PlaybackState.Live, TimeSpan.FromSeconds(30));
        await IdleAsync(rig);

        // A stale hint (another pass, or another instance, started it meanwhile): the slot taken for it goes back.
        rig.Scheduler.ScheduleNewStart(key);
        await IdleAsync(rig);

        Assert.Equal(1, rig.SessionCalls(key));
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
        Assert.Equal(PlaybackState.Live, (await rig.GetAsync(key)).State);
    }

    [Fact]
    public async Task ExecuteAsync_LeaseHeldElsewhereWhoseHolderClearsItsOwnMark_StillInTheIndexDueAfterALeaseTtl()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        // Another instance took the lease a moment ago, marking the entry as its own (due when its lease would end).
        await rig.Redis.GetDatabase().StringSetAsync(RedisKeys.Lease(key), "another instance");
        var theirs = await rig.Coordination.MarkPendingAsync(key, rig.Time.GetUtcNow() + rig.PlaybackOptions.LeaseTtl, CancellationToken.None);
        rig.Time.Advance(TimeSpan.FromMilliseconds(200));
        await rig.StartWorkerAsync();

        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);
        // It had read the playback before this one's work was stored, found nothing to do, and clears its mark.
        await rig.Coordination.ClearPendingAsync(key, theirs, CancellationToken.None);

        Assert.Equal(rig.NowScore + (long)rig.PlaybackOptions.LeaseTtl.TotalMilliseconds, await rig.PendingScoreAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_FoundDueWhileWaitingForASlot_OnlyItsMarkMovedOnNoLease()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey());
        Assert.True(rig.Gate.Sessions.TryAcquire(out _)); // another playback's call, answering late
        await rig.StartWorkerAsync();
        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);
        rig.Time.Advance(TimeSpan.FromSeconds(31));
        rig.Coordination.Calls.Reset();
        rig.Store.Calls.Reset();

        // A sweep finds it due again while it still waits here.
        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);

        Assert.Equal((1, 1), (rig.Coordination.Calls.Total, rig.Coordination.Calls["MarkPendingAsync"]));
        Assert.Equal(0, rig.Store.Calls.Total);
        Assert.Equal(rig.NowScore + 30_000, await rig.PendingScoreAsync(key));
        Assert.False(await rig.IsLeasedAsync(key));
    }

    [Fact]
    public async Task ExecuteAsync_StoreFailsAfterTheReservedSlotsCall_SlotGivenBackOnceAndThePlaybackRetried()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey(), queued: 1);
        var other = await OtherPlaybacksCallAsync(rig);
        await rig.StartWorkerAsync();
        rig.Scheduler.Schedule(key);
        await IdleAsync(rig);
        // Its call answers 503, and the store is gone when the failure is written down.
        rig.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), 1, 503);
        rig.Store.Calls.FailOnce = "RecordErrorAsync";

        AnswerCreated(rig, other);
        await Eventually.WaitUntilAsync(() => Task.FromResult(rig.SessionCalls(key) == 1), TimeSpan.FromSeconds(30));
        await IdleAsync(rig);

        Assert.Equal(0, rig.Gate.Sessions.InFlight);
        Assert.Equal(PlaybackState.Starting, (await rig.GetAsync(key)).State);
        Assert.NotNull(await rig.PendingScoreAsync(key));
        Assert.False(await rig.IsLeasedAsync(key));
    }

    /// <summary>Another playback's sessions call, holding the one slot the rig's limit allows.</summary>
    private static async Task<UpstreamPass> OtherPlaybacksCallAsync(PlaybackRig rig)
    {
        var other = await rig.Gate.EnterAsync(UpstreamCall.Sessions, wait: false, CancellationToken.None);
        Assert.NotNull(other);
        return other.Value;
    }

    private static void AnswerCreated(PlaybackRig rig, UpstreamPass call) =>
        rig.Gate.Exit(call, UpstreamResult.FromStatus(System.Net.HttpStatusCode.Created, null, forEvent: false, retryAfter: null));

    /// <summary>The playback goes live on one sessions call of its own, its one event delivered, no slot left held.</summary>
    private static async Task GoesLiveOnOneCallAsync(PlaybackRig rig, string key)
    {
        await Eventually.WaitUntilAsync(async () => (await rig.GetAsync(key)).State == PlaybackState.Live, TimeSpan.FromSeconds(30));
        await IdleAsync(rig);

        Assert.Equal(1, rig.SessionCalls(key));
        Assert.Equal([1], rig.Delivered((await rig.GetAsync(key)).SessionId!));
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
    }

    /// <summary>Every scheduled playback has been worked (or passed over) and nothing is running.</summary>
    private static Task IdleAsync(PlaybackRig rig) => Eventually.WaitUntilAsync(
        () => rig.Scheduler.Count == 0 && rig.Get<PlaybackWorker>().Working == 0, TimeSpan.FromSeconds(30),
        () => $"{rig.Scheduler.Count} scheduled, {rig.Get<PlaybackWorker>().Working} working");

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
