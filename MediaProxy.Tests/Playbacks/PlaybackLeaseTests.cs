using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// Leases and their pending index entries on a real store, renewed by the keeper's one timer on a fake clock
/// (lease 30 s, so a renewal every 10 s). Nothing a lease does may push back or clear a due-now mark made by
/// someone else meanwhile (new work, a retry, a hand-back): that would be a lost or late wake-up.
/// </summary>
public sealed class PlaybackLeaseTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TryAcquireAsync_Free_HeldAndDueWhenItWouldExpire()
    {
        await using var rig = await StartAsync();
        var keeper = rig.Get<LeaseKeeper>();

        await using var lease = await keeper.TryAcquireAsync(Key(), None);

        Assert.NotNull(lease);
        Assert.Equal(rig.NowScore + (long)Ttl.TotalMilliseconds, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(await rig.Coordination.TryAcquireLeaseAsync(lease.PlaybackKey, "another instance", Ttl, None));
        Assert.Equal(1, keeper.Count);
    }

    [Fact]
    public async Task Timer_EveryThirdOfTheTtl_RenewsEveryHeldLeaseAndMovesItsDueTime()
    {
        await using var rig = await StartAsync();
        var keeper = rig.Get<LeaseKeeper>();
        var leases = await AcquireAsync(keeper, 3);

        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 3);
        var due = rig.NowScore + (long)Ttl.TotalMilliseconds;

        foreach (var lease in leases)
        {
            Assert.Equal(due, await rig.PendingScoreAsync(lease.PlaybackKey));
            Assert.False(lease.Lost);
        }

        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 6);
    }

    [Fact]
    public async Task Timer_LessThanAThirdOfTheTtl_NoRenewal()
    {
        await using var rig = await StartAsync();
        await AcquireAsync(rig.Get<LeaseKeeper>(), 2);

        rig.Time.Advance((Ttl / 3) - TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, rig.Coordination.Calls.Started("RenewLeaseAsync"));
    }

    [Fact]
    public async Task Timer_NoLeaseHeld_NoStoreCommand()
    {
        await using var rig = await StartAsync();
        _ = rig.Get<LeaseKeeper>();

        rig.Time.Advance(Ttl * 10);

        Assert.Equal(0, rig.Coordination.Calls.Total);
    }

    [Fact]
    public async Task Forget_Lease_NoLongerRenewed()
    {
        await using var rig = await StartAsync();
        var keeper = rig.Get<LeaseKeeper>();
        var leases = await AcquireAsync(keeper, 2);

        keeper.Forget(leases[0]);
        rig.Time.Advance(Ttl / 3);

        Assert.Equal(1, rig.Coordination.Calls.Started("RenewLeaseAsync"));
        await RenewalsAsync(rig, 1);
        Assert.Equal(1, keeper.Count);
        Assert.Equal(rig.NowScore - (long)(Ttl / 3).TotalMilliseconds + (long)Ttl.TotalMilliseconds, await rig.PendingScoreAsync(leases[0].PlaybackKey));
    }

    [Fact]
    public async Task Renewal_LeaseTakenByAnother_WorkTokenCancelledAndLost()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        // It expired and another instance took it.
        await rig.Redis.GetDatabase().StringSetAsync(RedisKeys.Lease(lease.PlaybackKey), "another instance");

        rig.Time.Advance(Ttl / 3);

        await Eventually.WaitUntilAsync(() => lease.WorkToken.IsCancellationRequested, TimeSpan.FromSeconds(30));
        Assert.True(lease.Lost);
    }

    [Fact]
    public async Task Renewal_LeaseExpiredWithNobodyTakingIt_TakenBackAndWorkGoesOn()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        // A starved process missed its renewals: the lease expired, and no other instance took the playback.
        await rig.Redis.GetDatabase().KeyDeleteAsync(RedisKeys.Lease(lease.PlaybackKey));

        rig.Time.Advance(Ttl / 3);
        // Renewed (its index entry moved on after it), or lost.
        await Eventually.WaitUntilAsync(() => lease.Lost || rig.Coordination.Calls["DeferPendingAsync"] >= 1, TimeSpan.FromSeconds(30));

        Assert.False(lease.Lost);
        Assert.False(lease.WorkToken.IsCancellationRequested);
        Assert.Equal(lease.Owner, (string?)await rig.Redis.GetDatabase().StringGetAsync(RedisKeys.Lease(lease.PlaybackKey)));
    }

    [Fact]
    public async Task Renewal_DueNowMarkedMeanwhile_MarkKept()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        var mark = await MarkDueNowAsync(rig, lease);

        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 1);

        Assert.Equal(mark, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(lease.Lost);
    }

    [Fact]
    public async Task CompleteAsync_NothingLeft_OffTheIndexAndLeaseFreed()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];

        await lease.CompleteAsync(null);

        Assert.Null(await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(await rig.IsLeasedAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_NothingLeftAfterADueNowMark_MarkKept()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        var mark = await MarkDueNowAsync(rig, lease);

        await lease.CompleteAsync(null);

        Assert.Equal(mark, await rig.PendingScoreAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_NothingLeftAfterARenewalSawADueNowMark_MarkKept()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        var mark = await MarkDueNowAsync(rig, lease);
        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 1);

        await lease.CompleteAsync(null);

        Assert.Equal(mark, await rig.PendingScoreAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_Delay_DueThatMuchLaterAndLeaseFreed()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        rig.Time.Advance(TimeSpan.FromSeconds(3));

        await lease.CompleteAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(rig.NowScore + 20_000, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(await rig.IsLeasedAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_DelayAfterADueNowMark_MarkKept()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        var mark = await MarkDueNowAsync(rig, lease);

        await lease.CompleteAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(mark, await rig.PendingScoreAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_DelayAfterARenewalSawADueNowMark_MarkKept()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        var mark = await MarkDueNowAsync(rig, lease);
        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 1);

        await lease.CompleteAsync(TimeSpan.FromSeconds(20));

        // Whoever marked it wants it worked now, not after this lease's retry delay.
        Assert.Equal(mark, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(await rig.IsLeasedAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task CompleteAsync_Parked_DueNowAndLeaseFreed()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        rig.Time.Advance(TimeSpan.FromSeconds(3));

        await lease.CompleteAsync(TimeSpan.Zero);

        Assert.Equal(rig.NowScore, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.False(await rig.IsLeasedAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task HandBackAsync_Held_DueNowAndLeaseFreed()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        rig.Time.Advance(TimeSpan.FromSeconds(3));

        await lease.HandBackAsync();

        Assert.Equal(rig.NowScore, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.True(await rig.Coordination.TryAcquireLeaseAsync(lease.PlaybackKey, "another instance", Ttl, None));
    }

    [Fact]
    public async Task CompleteAsync_TimerTicksBeforeTheLeaseIsForgotten_NoRenewal()
    {
        await using var rig = await StartAsync();
        var lease = (await AcquireAsync(rig.Get<LeaseKeeper>(), 1))[0];
        await lease.CompleteAsync(null);

        rig.Time.Advance(Ttl / 3);

        Assert.Equal(0, rig.Coordination.Calls.Started("RenewLeaseAsync"));
        Assert.Null(await rig.PendingScoreAsync(lease.PlaybackKey));
    }

    [Fact]
    public async Task HoldAsync_CallOfFiveMinutes_LeaseAndDueTimeCoverItWithNoRenewalMeanwhile()
    {
        await using var rig = await StartAsync();
        var keeper = rig.Get<LeaseKeeper>();
        var lease = (await AcquireAsync(keeper, 1))[0];
        var hold = TimeSpan.FromMinutes(5);

        await keeper.HoldAsync(lease.PlaybackKey, hold);

        Assert.Equal(rig.NowScore + (long)(hold + Ttl).TotalMilliseconds, await rig.PendingScoreAsync(lease.PlaybackKey));
        Assert.True(await rig.Redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Lease(lease.PlaybackKey)) > hold);
        rig.AdvanceInStepsBelow(Ttl / 3, hold);

        Assert.Equal(1, rig.Coordination.Calls.Started("RenewLeaseAsync"));
        Assert.False(lease.Lost);

        // Past the hold, renewals go on as before.
        rig.Time.Advance(Ttl / 3);
        await RenewalsAsync(rig, 2);
    }

    [Fact]
    public async Task HoldAsync_StoreFailsToExtendIt_RenewalsGoOn()
    {
        await using var rig = await StartAsync();
        var keeper = rig.Get<LeaseKeeper>();
        var lease = (await AcquireAsync(keeper, 1))[0];
        rig.Coordination.Calls.FailOnce = "RenewLeaseAsync";

        await keeper.HoldAsync(lease.PlaybackKey, TimeSpan.FromMinutes(5));
        rig.Time.Advance(Ttl / 3);

        // The lease still expires a TTL from its last renewal: skipping renewals now would lose it.
        await Eventually.WaitUntilAsync(() => rig.Coordination.Calls["RenewLeaseAsync"] >= 1, TimeSpan.FromSeconds(30), () => rig.Coordination.Calls.ToString());
        Assert.Equal(2, rig.Coordination.Calls.Started("RenewLeaseAsync"));
        Assert.False(lease.Lost);
    }

    [Fact]
    public async Task HoldAsync_NoLeaseHeldForThePlayback_NoStoreCommand()
    {
        await using var rig = await StartAsync();

        await rig.Get<LeaseKeeper>().HoldAsync(Key(), TimeSpan.FromMinutes(5));

        Assert.Equal(0, rig.Coordination.Calls.Total);
    }

    private Task<PlaybackRig> StartAsync() => PlaybackRig.StartAsync(fixture, playback: o => o.LeaseTtl = Ttl);

    private static async Task<List<PlaybackLease>> AcquireAsync(LeaseKeeper keeper, int count)
    {
        var leases = new List<PlaybackLease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await keeper.TryAcquireAsync(Key(), None) ?? throw new InvalidOperationException("not acquired"));
        }

        return leases;
    }

    /// <summary>Someone else (a post, a retry) marks the playback due now; the score it wrote.</summary>
    private static Task<long> MarkDueNowAsync(PlaybackRig rig, PlaybackLease lease)
    {
        rig.Time.Advance(TimeSpan.FromSeconds(1));
        return rig.Coordination.MarkPendingAsync(lease.PlaybackKey, rig.Time.GetUtcNow(), None);
    }

    /// <summary>Waits until <paramref name="renewals"/> renewals in all have completed, index update included.</summary>
    private static Task RenewalsAsync(PlaybackRig rig, int renewals) => Eventually.WaitUntilAsync(
        () => rig.Coordination.Calls["RenewLeaseAsync"] >= renewals && rig.Coordination.Calls["DeferPendingAsync"] >= renewals,
        TimeSpan.FromSeconds(30), () => rig.Coordination.Calls.ToString());

    private static string Key() => Guid.NewGuid().ToString("N");
}
