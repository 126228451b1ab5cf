using System.Diagnostics.Metrics;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The replay stage and the delivery it shares with direct forwards, against a real HTTP upstream and a real store
/// on a fake clock: an event leaves the queue only after its 204 (or as a dead letter), an event not sent costs
/// nothing, a failed send is retried after a backoff or parked when it left the upstream down, and an event older
/// than MaxEventAge is dead-lettered unsent.
/// </summary>
public sealed class QueueDelivererTests(StageFixture fixture) : IClassFixture<StageFixture>
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task RunAsync_QueuedEvents_SentInOrderThenDoneWithThePlaybackLive()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 5);

        var outcome = await RunAsync(rig, key, sid);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal([1, 2, 3, 4, 5], rig.Delivered(sid));
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Live, 0L, 5L), (playback.State, playback.Queued, playback.Forwarded));
    }

    [Fact]
    public async Task RunAsync_MoreThanABatch_OneBatchThenNext()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => o.ReplayBatchSize = 2);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 5);

        Assert.Equal(StageOutcome.Next, await RunAsync(rig, key, sid));

        Assert.Equal([1, 2], rig.Delivered(sid));
        Assert.Equal((PlaybackState.Replaying, 3L), ((await rig.GetAsync(key)).State, (await rig.GetAsync(key)).Queued));
    }

    [Fact]
    public async Task RunAsync_UpstreamDownNoProbeDue_ParkedWithNothingSentAndNoErrorRecorded()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 3);
        await rig.BringDownAsync();

        var outcome = await RunAsync(rig, key, sid);

        Assert.Equal(StageOutcome.Parked, outcome);
        Assert.Equal(0, rig.EventCalls(key));
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Replaying, 3L, 0, null), (playback.State, playback.Queued, playback.Failures, playback.LastError));
    }

    [Fact]
    public async Task RunAsync_SendFailed_RetryAfterTheFirstFailuresBackoffEventKept()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 3);
        rig.Upstream.FailNextEvents(Matches(key), 1, 503);

        var outcome = await RunAsync(rig, key, sid);

        Assert.InRange(Assert.IsType<StageOutcome.Retry>(outcome).Delay, TimeSpan.Zero, rig.PlaybackOptions.RetryBaseDelay);
        Assert.Empty(rig.Delivered(sid));
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Replaying, 3L, 1), (playback.State, playback.Queued, playback.Failures));
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    [Fact]
    public async Task RunAsync_TooManyRequestsWithRetryAfter_RetryNotBeforeIt()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 1);
        rig.Upstream.FailNextEvents(Matches(key), 1, 429, retryAfter: TimeSpan.FromSeconds(9));

        var outcome = await RunAsync(rig, key, sid);

        Assert.True(Assert.IsType<StageOutcome.Retry>(outcome).Delay >= TimeSpan.FromSeconds(9), $"{outcome}");
    }

    [Fact]
    public async Task RunAsync_SendFailedAgain_FailuresInARowCountedUntilASuccess()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 2);
        rig.Upstream.FailNextEvents(Matches(key), 2, 500);

        await RunAsync(rig, key, sid);
        await RunAsync(rig, key, sid);
        Assert.Equal(2, (await rig.GetAsync(key)).Failures);
        await RunAsync(rig, key, sid);

        Assert.Equal([1, 2], rig.Delivered(sid));
        Assert.Equal(0, (await rig.GetAsync(key)).Failures);
    }

    [Fact]
    public async Task RunAsync_FailedManyTimesBefore_BackoffDrawnFromTheStoredFailures()
    {
        // As for the sessions call: ≤ 10 ms for a first failure, up to an hour for the 21st.
        await using var rig = await PlaybackRig.StartAsync(fixture, playback: o => (o.RetryBaseDelay, o.RetryMaxDelay) = (TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)));
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 1);
            for (var failure = 0; failure < 20; failure++)
            {
                await rig.Store.RecordErrorAsync(key, "earlier failure", PlaybackError.Retry, None);
            }

            rig.Upstream.FailNextEvents(Matches(key), 1, 500);
            delays.Add(Assert.IsType<StageOutcome.Retry>(await RunAsync(rig, key, sid)).Delay);
        }

        Assert.True(delays.Max() > TimeSpan.FromMilliseconds(10), string.Join(", ", delays));
    }

    [Fact]
    public async Task RunAsync_FailureThatLeftTheUpstreamDown_ParkedNotRetried()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.OutageThreshold = 1);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 2);
        rig.Upstream.FailNextEvents(Matches(key), 1, 502);

        var outcome = await RunAsync(rig, key, sid);

        Assert.Equal(StageOutcome.Parked, outcome);
        Assert.False(rig.Gate.Health.IsAvailable);
        Assert.Equal((2L, 1), ((await rig.GetAsync(key)).Queued, (await rig.GetAsync(key)).Failures));
    }

    [Fact]
    public async Task RunAsync_EventsOlderThanMaxEventAge_DeadLetteredAsExpiredWithoutASendYoungerOnesSent()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        using var expired = new ExpiredCounter(rig.Get<IMeterFactory>());
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 2);
        rig.Time.Advance(rig.PlaybackOptions.MaxEventAge + TimeSpan.FromSeconds(1));
        await rig.AcceptAsync(key, PlaybackRig.Ping(3, key));

        var outcome = await RunAsync(rig, key, sid);

        Assert.Equal(StageOutcome.Done, outcome);
        Assert.Equal(1, rig.EventCalls(key));
        Assert.Equal([3], rig.Delivered(sid));
        var deadLetters = await rig.Store.GetDeadLettersAsync(key, None);
        Assert.Equal(2, deadLetters.Count);
        Assert.All(deadLetters, d => Assert.Contains("MaxEventAge", d, StringComparison.Ordinal));
        Assert.Equal(2, expired.Count);
        var playback = await rig.GetAsync(key);
        Assert.Equal((PlaybackState.Live, 2L, 1L), (playback.State, playback.DeadLettered, playback.Forwarded));
    }

    [Fact]
    public async Task RunAsync_EventJustWithinMaxEventAge_Sent()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 1);
        rig.Time.Advance(rig.PlaybackOptions.MaxEventAge - TimeSpan.FromSeconds(1));

        await RunAsync(rig, key, sid);

        Assert.Equal([1], rig.Delivered(sid));
    }

    [Fact]
    public async Task RunAsync_EventRefused_DeadLetteredAndTheRestSent()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 3);
        rig.Upstream.FailNextEvents(Matches(key), 1, 400);

        Assert.Equal(StageOutcome.Done, await RunAsync(rig, key, sid));

        Assert.Equal([2, 3], rig.Delivered(sid));
        Assert.Single(await rig.Store.GetDeadLettersAsync(key, None));
        Assert.Equal(0, (await rig.GetAsync(key)).Failures);
    }

    [Fact]
    public async Task SendAsync_DirectForwardWithNoSlotFree_NotSentWithoutACall()
    {
        await using var rig = await PlaybackRig.StartAsync(fixture, upstream: o => o.MaxConcurrentEventSends = 1);
        var (key, sid) = await rig.ReplayingAsync(NewKey(), queued: 0);
        Assert.True(rig.Gate.Events.TryAcquire(out _));

        var result = await rig.Get<EventDelivery>().SendAsync(
            new QueuedDelivery(key, sid, "ping", PlaybackRig.Ping(1, key).Json, null), DeliveryPath.Direct, waitForSlot: false, None);

        Assert.Equal(UpstreamOutcome.NotSent, result.Outcome);
        Assert.Equal(0, rig.EventCalls(key));
        Assert.True(rig.Gate.Health.IsAvailable);
    }

    private static async Task<StageOutcome> RunAsync(PlaybackRig rig, string key, string sessionId) =>
        await rig.Get<QueueDeliverer>().RunAsync(key, sessionId, null, None);

    private static Func<string, bool> Matches(string key) => body => body.Contains(key, StringComparison.Ordinal);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>Dead letters counted with reason "expired" on the rig's own meter.</summary>
    private sealed class ExpiredCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public ExpiredCounter(IMeterFactory meters)
        {
            var meter = meters.Create(PlaybackMetrics.MeterName);
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "mediaproxy.events.dead_lettered")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "reason", Value: "expired" })
                    {
                        Interlocked.Add(ref _count, (int)value);
                    }
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
