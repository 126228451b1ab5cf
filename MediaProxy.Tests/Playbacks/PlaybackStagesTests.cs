using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The stages run in turn while they move the playback on; the worker gets the first other outcome. A sessions slot
/// reserved for the playback goes to its sessions call, or back to the gate when it is not starting any more.
/// </summary>
public sealed class PlaybackStagesTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RunAsync_StartingWithQueuedEvents_SessionThenReplayThenDone()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.ReplayBatchSize = 2);
        var key = await rig.StartingAsync(Guid.NewGuid().ToString("N"), queued: 5);

        var outcome = await rig.Get<PlaybackStages>().RunAsync(key, null, None);

        Assert.Equal(StageOutcome.Done, outcome);
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Live, playback.State);
        Assert.Equal([1, 2, 3, 4, 5], rig.Delivered(playback.SessionId!));
    }

    [Fact]
    public async Task RunAsync_StartingWithOneQueuedEvent_PlaybackReadOnceAndQueueNeverPeeked()
    {
        // Recording the session brings back the queue's head, and the pop that empties the queue says live: the store
        // is not read again in between (a flash crowd's thousands of playbacks each paid three reads and a peek).
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(Guid.NewGuid().ToString("N"), queued: 1);
        rig.Store.Calls.Reset();

        Assert.Equal(StageOutcome.Done, await rig.Get<PlaybackStages>().RunAsync(key, null, None));

        Assert.True(rig.Store.Calls["GetAsync"] == 1 && rig.Store.Calls["PeekAsync"] == 0, rig.Store.Calls.ToString());
        var playback = await rig.GetAsync(key);
        Assert.Equal(PlaybackState.Live, playback.State);
        Assert.Equal([1], rig.Delivered(playback.SessionId!));
    }

    [Fact]
    public async Task RunAsync_StageParked_ParkedHandedToTheWorker()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var key = await rig.StartingAsync(Guid.NewGuid().ToString("N"), queued: 1);
        await rig.BringDownAsync();

        Assert.Equal(StageOutcome.Parked, await rig.Get<PlaybackStages>().RunAsync(key, null, None));
    }

    [Fact]
    public async Task RunAsync_UnknownOrFailedPlayback_DoneWithoutACall()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var failed = await rig.StartingAsync(Guid.NewGuid().ToString("N"));
        await rig.Store.RecordErrorAsync(failed, "refused", PlaybackError.Failed, None);

        Assert.Equal(StageOutcome.Done, await rig.Get<PlaybackStages>().RunAsync(failed, null, None));
        Assert.Equal(StageOutcome.Done, await rig.Get<PlaybackStages>().RunAsync(Guid.NewGuid().ToString("N"), null, None));
        Assert.Equal(0, rig.SessionCalls(failed));
    }

    [Fact]
    public async Task RunAsync_ReservedSlot_TheSessionsCallMadeOnIt()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        var key = await rig.StartingAsync(Guid.NewGuid().ToString("N"), queued: 1);
        var reserved = await rig.Gate.EnterAsync(UpstreamCall.Sessions, wait: false, None);
        Assert.NotNull(reserved);

        Assert.Equal(StageOutcome.Done, await rig.Get<PlaybackStages>().RunAsync(key, reserved, None));

        Assert.Equal(PlaybackState.Live, (await rig.GetAsync(key)).State);
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
    }

    [Fact]
    public async Task RunAsync_ReservedSlotButNoLongerStarting_SlotGivenBack()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentSessionCalls = 1);
        // Another instance started its session while this one waited for a slot.
        var (key, _) = await rig.ReplayingAsync(Guid.NewGuid().ToString("N"), queued: 2);
        var reserved = await rig.Gate.EnterAsync(UpstreamCall.Sessions, wait: false, None);
        Assert.NotNull(reserved);

        Assert.Equal(StageOutcome.Done, await rig.Get<PlaybackStages>().RunAsync(key, reserved, None));

        Assert.Equal(PlaybackState.Live, (await rig.GetAsync(key)).State);
        Assert.Equal(1, rig.SessionCalls(key));
        Assert.Equal(0, rig.Gate.Sessions.InFlight);
    }
}
