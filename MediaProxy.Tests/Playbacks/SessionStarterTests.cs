using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The first stage against a real HTTP upstream and a real store, on a fake clock: only the upstream's refusal
/// (400) or the age limit fails a playback; a call that was not sent costs it nothing (parked while the upstream is
/// down, no slot when every sessions slot is taken: it never waits for one, a slot reserved for it is used or given
/// back); a failed call is tried again after a backoff drawn from its failures in a row, or parked when it left the
/// upstream down.
/// </summary>
public sealed class SessionStarterTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RunAsync_AnsweredWithEventsQueued_SessionRecordedAndTheReplayFromTheQueuesHead()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey(), queued: 2);

        var outcome = await RunAsync(rig, key);

        var replay = Assert.IsType<StageOutcome.Replay>(outcome);
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Replaying, playback.State);
        Assert.Equal(playback.SessionId, Assert.Single(rig.Upstream.SessionsForMedia(key)).Id);
        Assert.Equal(playback.SessionId, replay.SessionId);
        Assert.Equal((await rig.Store.PeekAsync(key, 1, None))[0], replay.Head);
    }

    [Fact]
    public async Task RunAsync_AnsweredWithNothingQueued_SessionRecordedLiveAndDone()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());

        Assert.Equal(StageOutcome.Done, await RunAsync(rig, key));

        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Live, playback.State);
        Assert.Equal(playback.SessionId, Assert.Single(rig.Upstream.SessionsForMedia(key)).Id);
    }

    [Fact]
    public async Task RunAsync_UpstreamDownNoProbeDue_ParkedWithoutACallOrAnErrorRecorded()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        await rig.BringDownAsync();
        var snapshot = await rig.GetAsync(key);
        rig.Store.Calls.Reset();

        var outcome = await rig.Get<SessionStarter>().RunAsync(key, snapshot, null, None);

        Assert.Equal(StageOutcome.Parked, outcome);
        Assert.Equal(0, rig.Store.Calls.Total);
        Assert.Equal(0, rig.SessionCalls(key));
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Starting, 0, null), (playback.State, playback.Failures, playback.LastError));
    }

    [Fact]
    public async Task RunAsync_DownAndProbeDue_TheCallIsTheProbeAndItsAnswerBringsTheUpstreamBack()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        await rig.BringDownAsync();
        rig.AdvanceToProbe();

        var outcome = await RunAsync(rig, key);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal(1, rig.SessionCalls(key));
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    [Fact]
    public async Task RunAsync_ProbeUnansweredAGraceAfterTheUpstreamCameBack_AbandonedRecordedAsTimedOutAndSentAgainSoon()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        var (probe, release) = await ProbeHeldAsync(rig, key); // sent into the hang: never answered

        AnotherCallAnswered(rig); // it is back
        rig.Time.Advance(rig.Gate.Health.ProbeGrace);
        var outcome = await probe;
        release();

        var retry = Assert.IsType<StageOutcome.Retry>(outcome);
        Assert.InRange(retry.Delay, TimeSpan.Zero, rig.PlaybackOptions.RetryMaxDelay);
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Starting, playback.State);
        Assert.True(playback.SessionCallTimedOut); // its next call waits the longest: at most one more session
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    [Fact]
    public async Task RunAsync_ProbeAnsweredWithinTheGraceAfterTheUpstreamCameBack_KeptAndTheOnlySession()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        var (probe, release) = await ProbeHeldAsync(rig, key); // answered a little after another probe's answer

        AnotherCallAnswered(rig);
        rig.Time.Advance(rig.Gate.Health.ProbeGrace - TimeSpan.FromMilliseconds(1));
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(probe.IsCompleted); // abandoning it would make a second session
        release();

        Assert.Equal(StageOutcome.Done, await probe);
        Assert.Single(rig.Upstream.SessionsForMedia(key));
        Assert.False((await rig.GetAsync(key)).SessionCallTimedOut);
    }

    [Fact]
    public async Task RunAsync_ProbeIntoAHang_LeaseHeldForTheAttemptTimeoutWithNoRenewals()
    {
        // A lease renewed every second, a probe that may wait ten.
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.LeaseTtl = TimeSpan.FromSeconds(3));
        var key = await rig.StartingAsync(NewKey());
        await rig.BringDownAsync();
        rig.AdvanceToProbe();
        await using var lease = await rig.Get<LeaseKeeper>().TryAcquireAsync(key, None) ?? throw new InvalidOperationException("not acquired");
        var release = rig.Upstream.HoldSessions(Matches(key));
        var probe = RunAsync(rig, key);
        try
        {
            await CallArrivedAsync(rig, key, 1);
            Assert.Equal(1, rig.Coordination.Calls.Started("RenewLeaseAsync")); // the hold

            // A hung probe costs the store nothing while it waits: no renewal round touches it.
            var renewals = rig.PlaybackOptions.LeaseTtl / 3;
            rig.AdvanceInStepsBelow(renewals, rig.UpstreamOptions.AttemptTimeout);

            Assert.Equal(1, rig.Coordination.Calls.Started("RenewLeaseAsync"));
            Assert.True(await rig.Redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Lease(key)) > rig.UpstreamOptions.AttemptTimeout - (renewals * 2));
        }
        finally
        {
            release();
        }

        await probe;
    }

    [Fact]
    public async Task RunAsync_CallAfterATimedOutOne_LeaseHeldForTheLongestTimeout()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.LeaseTtl = TimeSpan.FromSeconds(3));
        var key = await rig.StartingAsync(NewKey());
        await rig.Store.RecordErrorAsync(key, "timed out", PlaybackError.SessionsCallTimedOut, None);
        await using var lease = await rig.Get<LeaseKeeper>().TryAcquireAsync(key, None) ?? throw new InvalidOperationException("not acquired");
        var release = rig.Upstream.HoldSessions(Matches(key));
        var call = RunAsync(rig, key);
        try
        {
            await CallArrivedAsync(rig, key, 1);

            // The upstream is up, but this call may wait the longest timeout: its lease covers it in one round.
            Assert.Equal(1, rig.Coordination.Calls.Started("RenewLeaseAsync"));
            Assert.True(await rig.Redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Lease(key)) > rig.UpstreamOptions.AttemptTimeout);
        }
        finally
        {
            release();
        }

        await call;
    }

    [Fact]
    public async Task RunAsync_AnsweredWhileEveryRecordingSlotIsTaken_RecordedOnlyOnceOneFrees()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.ReplayYieldsToPosts = true);
        var key = await rig.StartingAsync(NewKey());
        var governor = rig.Get<ReplayGovernor>();
        var taken = await TakeEverySlotAsync(rig, governor.EnterRecordingAsync);
        Assert.Equal(rig.UpstreamOptions.MaxConcurrentEventSends, taken);

        var running = RunAsync(rig, key);
        await CallArrivedAsync(rig, key, 1);
        await Task.Delay(TimeSpan.FromMilliseconds(200));

        // Answered, but its store work waits: a burst of answers must not crowd out the posts.
        Assert.False(running.IsCompleted);
        Assert.Equal(PlaybackState.Starting, (await rig.GetAsync(key)).State);
        governor.ExitRecording();
        Assert.Equal(StageOutcome.Done, await running);
        Assert.Equal(taken - 1, governor.RecordingsInFlight); // its slot given back
    }

    [Fact]
    public async Task RunAsync_AnsweredWhileEveryReplaySendSlotIsTaken_RecordedWithoutWaitingForThem()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.ReplayYieldsToPosts = true);
        var key = await rig.StartingAsync(NewKey());
        var governor = rig.Get<ReplayGovernor>();
        Assert.Equal(rig.UpstreamOptions.MaxConcurrentEventSends, await TakeEverySlotAsync(rig, governor.EnterAsync));

        // Sends held by a slow upstream (or queued behind one) do not hold up the recording of a new session.
        var running = RunAsync(rig, key);
        await CallArrivedAsync(rig, key, 1);
        Assert.Equal(StageOutcome.Done, await running.WaitAsync(TimeSpan.FromSeconds(30))); // a hang guard, not a speed limit
        Assert.Equal(0, governor.RecordingsInFlight);
    }

    /// <summary>
    /// Enters a governor lane until a wait does not complete at once (that one given up): the slots taken. No post
    /// came for a while, so the limit is at its maximum and no pause to measure the posts is due.
    /// </summary>
    private static async Task<int> TakeEverySlotAsync(PlaybackRig rig, Func<CancellationToken, Task> enter)
    {
        rig.Time.Advance(ReplayGovernor.IdleWindow + TimeSpan.FromMilliseconds(1));
        using var giveUp = new CancellationTokenSource();
        var taken = 0;
        Task waiting;
        while ((waiting = enter(giveUp.Token)).IsCompleted)
        {
            taken++;
        }

        await giveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        return taken;
    }

    [Fact]
    public async Task RunAsync_ProbeAfterATimedOutCallWhenTheUpstreamComesBack_KeptWaitingForItsAnswer()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        await rig.Store.RecordErrorAsync(key, "timed out", PlaybackError.SessionsCallTimedOut, None); // a session may exist
        var (probe, release) = await ProbeHeldAsync(rig, key);

        AnotherCallAnswered(rig);
        rig.Time.Advance(rig.Gate.Health.ProbeGrace);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        Assert.False(probe.IsCompleted); // abandoning it could make a third session
        release();

        Assert.Equal(StageOutcome.Done, await probe);
        Assert.Single(rig.Upstream.SessionsForMedia(key));
    }

    [Fact]
    public async Task RunAsync_EverySessionsSlotTaken_NoSessionSlotWithoutWaitingACallOrAStoreCommand()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey());
        var snapshot = await rig.GetAsync(key);
        Assert.True(rig.Gate.Sessions.TryAcquire(out _)); // another playback's call
        rig.Store.Calls.Reset();

        var running = rig.Get<SessionStarter>().RunAsync(key, snapshot, null, None);

        // It does not wait for a slot under its lease: the worker waits for one, holding none.
        Assert.True(running.IsCompleted, "the sessions call waited for a slot");
        Assert.Equal(StageOutcome.NoSessionSlot, await running);
        Assert.Equal((0, 0), (rig.Store.Calls.Total, rig.SessionCalls(key)));
        Assert.Equal(1, rig.Gate.Sessions.InFlight);
    }

    [Fact]
    public async Task RunAsync_ReservedSlot_TheCallGoesOutOnItWhileEveryOtherSlotIsTaken()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(NewKey());
        var reserved = await rig.Gate.EnterAsync(UpstreamCall.Sessions, wait: false, None);
        Assert.NotNull(reserved);

        var outcome = await rig.Get<SessionStarter>().RunAsync(key, await rig.GetAsync(key), reserved, None);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal(1, rig.SessionCalls(key));
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
    }

    [Fact]
    public async Task RunAsync_ReservedSlotForASessionStartTooOld_FailedWithoutACallAndTheSlotGivenBack()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        var reserved = await rig.Gate.EnterAsync(UpstreamCall.Sessions, wait: false, None);
        rig.Time.Advance(rig.PlaybackOptions.MaxEventAge + TimeSpan.FromSeconds(1));

        var outcome = await rig.Get<SessionStarter>().RunAsync(key, await rig.GetAsync(key), reserved, None);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal(PlaybackState.Failed, (await rig.GetAsync(key)).State);
        Assert.Equal((0, 0), (rig.SessionCalls(key), rig.Gate.Sessions.InFlight));
    }

    [Fact]
    public async Task RunAsync_ServiceUnavailable_RetryAfterTheFirstFailuresBackoffAndTheFailureCounted()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.FailNextSessionCalls(Matches(key), 1, 503);

        var outcome = await RunAsync(rig, key);

        var retry = Assert.IsType<StageOutcome.Retry>(outcome);
        Assert.InRange(retry.Delay, TimeSpan.Zero, rig.PlaybackOptions.RetryBaseDelay);
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Starting, 1, false), (playback.State, playback.Failures, playback.SessionCallTimedOut));
        Assert.Contains("503", playback.LastError, StringComparison.Ordinal);
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    [Fact]
    public async Task RunAsync_TooManyRequestsWithRetryAfter_RetryNotBeforeIt()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.FailNextSessionCalls(Matches(key), 1, 429, retryAfter: TimeSpan.FromSeconds(7));

        var outcome = await RunAsync(rig, key);

        Assert.True(Assert.IsType<StageOutcome.Retry>(outcome).Delay >= TimeSpan.FromSeconds(7), $"{outcome}");
    }

    [Fact]
    public async Task RunAsync_FailedManyTimesBefore_BackoffDrawnFromTheStoredFailures()
    {
        // Bound 10 ms for a first failure, up to an hour for the 21st: a backoff that ignored the stored count
        // would never wait longer than 10 ms. (A correct one draws ≤ 10 ms for all three with p ≈ 2e-17.)
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => (o.RetryBaseDelay, o.RetryMaxDelay) = (TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)));
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var key = await rig.StartingAsync(NewKey());
            for (var failure = 0; failure < 20; failure++)
            {
                await rig.Store.RecordErrorAsync(key, "earlier failure", PlaybackError.Retry, None);
            }

            rig.Upstream.FailNextSessionCalls(Matches(key), 1, 500);
            delays.Add(Assert.IsType<StageOutcome.Retry>(await RunAsync(rig, key)).Delay);
            Assert.Equal(21, (await rig.GetAsync(key)).Failures);
        }

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromHours(1)));
        Assert.True(delays.Max() > TimeSpan.FromMilliseconds(10), string.Join(", ", delays));
    }

    [Fact]
    public async Task RunAsync_FailureThatLeftTheUpstreamDown_ParkedNotRetriedAndTheFailureCounted()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.OutageThreshold = 1);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.FailNextSessionCalls(Matches(key), 1, 503);

        var outcome = await RunAsync(rig, key);

        Assert.Equal(StageOutcome.Parked, outcome);
        Assert.False(rig.Gate.Health.IsAvailable);
        Assert.Equal((PlaybackState.Starting, 1), ((await rig.GetAsync(key)).State, (await rig.GetAsync(key)).Failures));
    }

    [Fact]
    public async Task RunAsync_BadRequest_PlaybackFailedAndListedAsFailed()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.FailNextSessionCalls(Matches(key), 1, 400);

        var outcome = await RunAsync(rig, key);

        Assert.Equal(StageOutcome.Done, outcome);
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Failed, playback.State);
        Assert.Contains("400", playback.LastError, StringComparison.Ordinal);
        Assert.True(await rig.IsListedFailedAsync(key));
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    [Fact]
    public async Task RunAsync_SessionStartOlderThanMaxEventAge_PlaybackFailedWithoutACall()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey(), queued: 1);
        rig.Time.Advance(rig.PlaybackOptions.MaxEventAge + TimeSpan.FromSeconds(1));

        var outcome = await RunAsync(rig, key);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal(0, rig.SessionCalls(key));
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Failed, playback.State);
        Assert.Contains("MaxEventAge", playback.LastError, StringComparison.Ordinal);
        Assert.True(await rig.IsListedFailedAsync(key));
    }

    [Fact]
    public async Task RunAsync_SessionStartJustWithinMaxEventAge_Sent()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Time.Advance(rig.PlaybackOptions.MaxEventAge - TimeSpan.FromSeconds(1));

        Assert.Equal(StageOutcome.Done, await RunAsync(rig, key));
        Assert.Equal(1, rig.SessionCalls(key));
    }

    [Fact]
    public async Task RunAsync_SessionsCallTimedOut_RecordedAndTheNextCallWaitsTheMaximum()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Upstream.DelaySessions(Matches(key), TimeSpan.FromMinutes(10));
        var timeout = rig.Get<SessionsCallTimeout>();

        var first = RunAsync(rig, key);
        await CallArrivedAsync(rig, key, 1);
        rig.Time.Advance(rig.UpstreamOptions.AttemptTimeout);
        var outcome = await first;

        Assert.IsType<StageOutcome.Retry>(outcome);
        var playback = await rig.GetAsync(key);
        Assert.True(playback.SessionCallTimedOut);
        Assert.Equal(PlaybackState.Starting, playback.State);
        Assert.Equal(rig.UpstreamOptions.AttemptTimeout * 2, timeout.Current);

        // Its next call waits the longest: an upstream answering within it makes at most one more session.
        using var stop = new CancellationTokenSource();
        var second = rig.Get<SessionStarter>().RunAsync(key, playback, null, stop.Token);
        await CallArrivedAsync(rig, key, 2);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        Assert.Equal([rig.UpstreamOptions.AttemptTimeout, rig.UpstreamOptions.MaxSessionsAttemptTimeout], rig.SessionsApi.AttemptTimeouts);
    }

    [Fact]
    public async Task RunAsync_NotTimedOutBefore_TheInstancesCurrentTimeout()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(NewKey());
        rig.Get<SessionsCallTimeout>().TimedOut(); // another playback's call timed out: 20 s now

        await RunAsync(rig, key);

        Assert.Equal([rig.UpstreamOptions.AttemptTimeout * 2], rig.SessionsApi.AttemptTimeouts);
    }

    private static async Task<StageOutcome> RunAsync(PlaybackRig rig, string key) =>
        await rig.Get<SessionStarter>().RunAsync(key, await rig.GetAsync(key), null, None);

    private static Task CallArrivedAsync(PlaybackRig rig, string key, int calls) =>
        Eventually.WaitUntilAsync(() => rig.SessionCalls(key) == calls, TimeSpan.FromSeconds(30), () => $"{rig.SessionCalls(key)} sessions calls");

    /// <summary>Brings the upstream down and sends this playback's call as the probe; the upstream holds it until released.</summary>
    private static async Task<(Task<StageOutcome> Probe, Action Release)> ProbeHeldAsync(PlaybackRig rig, string key)
    {
        await rig.BringDownAsync();
        rig.AdvanceToProbe();
        var release = rig.Upstream.HoldSessions(Matches(key));
        var probe = RunAsync(rig, key);
        await CallArrivedAsync(rig, key, 1);
        return (probe, release);
    }

    /// <summary>Another call's answer: the upstream is back.</summary>
    private static void AnotherCallAnswered(PlaybackRig rig) => rig.Gate.Health.Report(HealthPermit.Call, UpstreamSignal.Answered, null);

    private static Func<string, bool> Matches(string key) => body => body.Contains(key, StringComparison.Ordinal);

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
