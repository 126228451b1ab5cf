using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The sweeper on a real store (through a counting decorator) and a fake clock: it schedules the longest-due
/// playbacks, no more than the worker has room for; while the upstream is down it reads nothing, except the one
/// oldest playback when a probe is due (its call is the probe).
/// </summary>
public sealed class PendingPlaybackSweeperTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SweepAsync_UpstreamDownNoProbeDue_ReadsNothingSchedulesNothing()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        await DueAsync(rig, 5);
        await rig.BringDownAsync();
        rig.Coordination.Calls.Reset();

        await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(0, rig.Coordination.Calls.Total);
        Assert.Equal(0, rig.Scheduler.Count);
    }

    [Fact]
    public async Task SweepAsync_UpstreamDownProbeDue_SchedulesOnlyTheOldestDue()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var due = await DueAsync(rig, 5);
        await rig.BringDownAsync();
        rig.AdvanceToProbe();

        var outcome = await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal([1], rig.Coordination.DueReads);
        Assert.Equal([due[0]], Scheduled(rig));
        Assert.Equal(SweepOutcome.Done, outcome); // the rest wait for the probe's answer, not for room
    }

    [Fact]
    public async Task SweepAsync_UpstreamUp_SchedulesAsManyAsTheWorkerHasRoomForLongestDueFirst()
    {
        // Room for 2 sessions calls and 3 event posts: 5 playbacks.
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (2, 3));
        var due = await DueAsync(rig, 8);
        await rig.Coordination.MarkPendingAsync(NewKey(), rig.Time.GetUtcNow().AddMinutes(1), None);

        var outcome = await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(due.Take(5), Scheduled(rig));
        Assert.Equal(SweepOutcome.MoreDue, outcome); // a backlog: swept again as soon as the worker has room
    }

    [Fact]
    public async Task Running_MoreDueThanRoom_SweepsAgainAsRoomFreesNotAfterTheInterval()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (2, 3));
        var due = await DueAsync(rig, 8);
        var sweeper = rig.Get<PendingPlaybackSweeper>();
        await sweeper.StartAsync(None);
        try
        {
            await Eventually.WaitUntilAsync(() => rig.Scheduler.Count == 5, TimeSpan.FromSeconds(30));
            var first = Scheduled(rig);
            foreach (var key in first)
            {
                // What the worker does with each: leased (due again when the lease would expire), then finished.
                await rig.Coordination.MarkPendingAsync(key, rig.Time.GetUtcNow().AddMinutes(1), None);
                rig.Scheduler.Finish(key);
            }

            // Room for 5 again: the rest are swept within a few backlog pauses, long before the next interval.
            var advanced = TimeSpan.Zero;
            while (rig.Scheduler.Count < 3 && advanced < rig.PlaybackOptions.RecoveryInterval / 2)
            {
                rig.Time.Advance(TimeSpan.FromMilliseconds(10));
                advanced += TimeSpan.FromMilliseconds(10);
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }

            Assert.Equal(due.Take(5), first);
            Assert.Equal(due.Skip(5), Scheduled(rig));
        }
        finally
        {
            await sweeper.StopAsync(None);
        }
    }

    [Fact]
    public async Task SweepAsync_FewerDueThanRoom_AllScheduledAndDone()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (2, 3));
        var due = await DueAsync(rig, 3);

        var outcome = await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(due, Scheduled(rig));
        Assert.Equal(SweepOutcome.Done, outcome); // nothing left: the next sweep waits for the interval
    }

    [Fact]
    public async Task SweepAsync_WorkerFull_NoRoomWithoutReadingTheIndex()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (1, 1));
        await DueAsync(rig, 3);
        rig.Scheduler.Schedule(NewKey());
        rig.Scheduler.Schedule(NewKey());
        rig.Coordination.Calls.Reset();

        var outcome = await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(SweepOutcome.NoRoom, outcome);
        Assert.Equal(0, rig.Coordination.Calls.Total);
    }

    [Fact]
    public async Task SweepAsync_SomeScheduledAlready_OnlyTheRestOfTheRoom()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (2, 3));
        var due = await DueAsync(rig, 8);
        rig.Scheduler.Schedule(NewKey());
        rig.Scheduler.Schedule(NewKey());

        await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(due.Take(3), Scheduled(rig).Skip(2));
    }

    [Fact]
    public async Task SweepAsync_WorkerPartlyBusy_SchedulesWhatIsFreeOfItsCapacity()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => (o.MaxConcurrentSessionCalls, o.MaxConcurrentEventSends) = (2, 3));
        var worker = rig.Get<PlaybackWorker>();
        await rig.StartWorkerAsync();
        // Two playbacks whose sessions calls hang: 2 of the worker's 5 are busy.
        for (var i = 0; i < 2; i++)
        {
            var key = await rig.StartingAsync(NewKey());
            rig.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromMinutes(10));
            rig.Scheduler.Schedule(key);
        }

        await Eventually.WaitUntilAsync(() => worker.Working == 2 && rig.Gate.Sessions.InFlight == 2, TimeSpan.FromSeconds(30));
        // Playbacks long due whose work is already done elsewhere: whoever is scheduled takes them off the index.
        var due = await DueAsync(rig, 8);

        await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);
        await Eventually.WaitUntilAsync(() => rig.Scheduler.Count == 2 && worker.Working == 2, TimeSpan.FromSeconds(30));

        var worked = new List<string>();
        foreach (var key in due)
        {
            if (await rig.PendingScoreAsync(key) is null)
            {
                worked.Add(key);
            }
        }

        Assert.Equal(due.Take(3), worked);
    }

    [Fact]
    public async Task Running_UpstreamComesBack_SweepsAtOnceNotAtTheNextInterval()
    {
        // An interval longer than the spec: any sweep after the first is one the recovery asked for.
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.RecoveryInterval = TimeSpan.FromMinutes(5));
        var sweeper = rig.Get<PendingPlaybackSweeper>();
        await sweeper.StartAsync(None);
        try
        {
            await Eventually.WaitUntilAsync(() => rig.Coordination.DueReads.Count == 1, TimeSpan.FromSeconds(30)); // the first sweep
            var due = await DueAsync(rig, 5);
            await rig.BringDownAsync();

            // The probe's answer: the upstream is back, while the clock stands still.
            rig.Gate.Health.Report(HealthPermit.Probe, UpstreamSignal.Answered, null);

            await Eventually.WaitUntilAsync(() => rig.Scheduler.Count == 5, TimeSpan.FromSeconds(30), () => $"{rig.Scheduler.Count} scheduled");
            Assert.Equal(due, Scheduled(rig));
        }
        finally
        {
            await sweeper.StopAsync(None);
        }
    }

    [Fact]
    public async Task SweepAsync_ProbeInFlight_ReadsNothing()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        await DueAsync(rig, 5);
        await rig.BringDownAsync();
        rig.AdvanceToProbe();
        // This interval's probe is out (another playback's call, still waiting for its answer).
        Assert.Equal(HealthPermit.Probe, rig.Gate.Health.TryEnter());
        rig.Coordination.Calls.Reset();

        await rig.Get<PendingPlaybackSweeper>().SweepAsync(None);

        Assert.Equal(0, rig.Coordination.Calls.Total);
        Assert.Equal(0, rig.Scheduler.Count);
    }

    /// <summary><paramref name="count"/> playbacks due since 1..count minutes ago, the longest due first.</summary>
    private static async Task<List<string>> DueAsync(PlaybackRig rig, int count)
    {
        var keys = new List<string>();
        for (var i = count; i >= 1; i--)
        {
            var key = NewKey();
            await rig.Coordination.MarkPendingAsync(key, rig.Time.GetUtcNow().AddMinutes(-i), None);
            keys.Add(key);
        }

        return keys;
    }

    private static List<string> Scheduled(PlaybackRig rig)
    {
        var keys = new List<string>();
        while (rig.Scheduler.Reader.TryRead(out var key))
        {
            keys.Add(key);
        }

        return keys;
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
