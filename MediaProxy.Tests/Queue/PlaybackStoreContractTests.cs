using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;

namespace MediaProxy.Tests.Queue;

/// <summary>
/// What every <see cref="IPlaybackStore"/> must do, step by step through a playback's life. Each test works on a
/// playback key of its own, so the Redis store can share one server with every other test.
/// </summary>
public abstract partial class PlaybackStoreContractTests
{
    protected static readonly TimeSpan Ttl = TimeSpan.FromHours(1);

    /// <summary>The store's cap on bytes held before a sessionStart (room for the count cap's hundred events).</summary>
    protected const int HeldBytes = 64 * 1024;

    /// <summary>This test's own playback: xunit makes a new instance, so a new key, for every test.</summary>
    protected string Key { get; } = Guid.NewGuid().ToString("N");

    protected static CancellationToken None => CancellationToken.None;

    protected abstract IPlaybackStore Store { get; }

    [Fact]
    public async Task AcceptAsync_FirstSessionStart_StartNeededAndStarting()
    {
        var decision = await Store.AcceptAsync(Key, [Start()], null, None);

        Assert.Equal(new AcceptDecision(AcceptOutcome.Stored, PlaybackState.Starting, StartNeeded: true, SessionId: null) { Created = true }, decision);
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Starting, Start().Json, 0L), (playback.State, playback.SessionStartJson, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_RepeatedSessionStart_NoStartNeededNothingQueuedFirstKept()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);

        var again = await Store.AcceptAsync(Key, [Start(playhead: 7)], null, None);

        Assert.Equal((AcceptOutcome.Stored, false, PlaybackState.Starting), (again.Outcome, again.StartNeeded, again.State));
        var playback = await GetAsync();
        Assert.Equal((Start().Json, 0L), (playback.SessionStartJson, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_ConcurrentFirstSessionStarts_ExactlyOneStartNeeded()
    {
        var decisions = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Store.AcceptAsync(Key, [Start()], null, None)));

        Assert.Single(decisions, d => d.StartNeeded);
    }

    [Fact]
    public async Task AcceptAsync_EventsBeforeSessionStart_AwaitingSessionStartAndQueuedInOrder()
    {
        var first = await Store.AcceptAsync(Key, [Ping(1)], null, None);
        var second = await Store.AcceptAsync(Key, [Ping(2), Ping(3)], null, None);

        Assert.Equal(new AcceptDecision(AcceptOutcome.Stored, PlaybackState.AwaitingSessionStart, false, null) { Created = true }, first);
        Assert.Equal((AcceptOutcome.Stored, PlaybackState.AwaitingSessionStart, false), (second.Outcome, second.State, second.StartNeeded));
        Assert.Equal(Json(Ping(1), Ping(2), Ping(3)), await QueuedJsonAsync());
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.AwaitingSessionStart, null, 3L), (playback.State, playback.SessionStartJson, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_SessionStartAfterHeldEvents_StartNeededAndHeldEventsKept()
    {
        await Store.AcceptAsync(Key, [Ping(1), Ping(2)], null, None);

        var decision = await Store.AcceptAsync(Key, [Start()], null, None);

        Assert.Equal((true, PlaybackState.Starting), (decision.StartNeeded, decision.State));
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_ArrayWithSessionStart_StartRecordedOthersQueuedInOrder()
    {
        var decision = await Store.AcceptAsync(Key, [Start(), Ping(1), Ping(2)], null, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Starting, true), (decision.Outcome, decision.State, decision.StartNeeded));
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
        Assert.Equal(Start().Json, (await GetAsync()).SessionStartJson);
    }

    [Fact]
    public async Task SessionCreatedAsync_EmptyQueue_LiveWithSessionId()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);

        var state = (await Store.SessionCreatedAsync(Key, "sid-1", None)).State;

        Assert.Equal(PlaybackState.Live, state);
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Live, "sid-1"), (playback.State, playback.SessionId));
    }

    [Fact]
    public async Task SessionCreatedAsync_EventsQueued_ReplayingFromTheHeadItBringsBack()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1), Ping(2)], null, None);

        var recorded = await Store.SessionCreatedAsync(Key, "sid-1", None);

        Assert.Equal((PlaybackState.Replaying, 2L), (recorded.State, recorded.Queued));
        Assert.Equal((await Store.PeekAsync(Key, 1, None))[0], recorded.Head);
        Assert.Equal(Json(Ping(1))[0], recorded.Head!.Json);
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Replaying, "sid-1", 2L), (playback.State, playback.SessionId, playback.Queued));
    }

    [Fact]
    public async Task SessionCreatedAsync_NotStarting_StateAndSessionIdUnchanged()
    {
        await LiveAsync();

        var state = (await Store.SessionCreatedAsync(Key, "sid-late-duplicate", None)).State;

        Assert.Equal(PlaybackState.Live, state);
        Assert.Equal("sid-1", (await GetAsync()).SessionId);
    }

    [Fact]
    public async Task AcceptAsync_WhileStarting_StoredNotForwarded()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);

        var decision = await Store.AcceptAsync(Key, [Ping(1)], null, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Starting, false), (decision.Outcome, decision.State, decision.StartNeeded));
        Assert.Equal(Json(Ping(1)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_WhileReplaying_StoredAtTail()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1)], null, None);
        await Store.SessionCreatedAsync(Key, "sid-1", None);

        var decision = await Store.AcceptAsync(Key, [Ping(2), Ping(3)], null, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Replaying), (decision.Outcome, decision.State));
        Assert.Equal(Json(Ping(1), Ping(2), Ping(3)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_LiveWithEmptyQueue_ForwardDirectlyWithSessionIdNothingQueued()
    {
        await LiveAsync();

        var decision = await Store.AcceptAsync(Key, [Ping(1), Ping(2)], null, None);

        Assert.Equal(new AcceptDecision(AcceptOutcome.ForwardDirectly, PlaybackState.Live, false, "sid-1"), decision);
        Assert.Empty(await QueuedJsonAsync());
        Assert.Equal(0L, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_LiveWithOnlyRepeatedSessionStart_StoredNothingToForward()
    {
        await LiveAsync();

        var decision = await Store.AcceptAsync(Key, [Start()], null, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Live, false), (decision.Outcome, decision.State, decision.StartNeeded));
        Assert.Empty(await QueuedJsonAsync());
    }

    [Fact]
    public async Task CompleteHeadAsync_ExpectedHead_PopsItCountsForwardedAndReturnsTheNextHead()
    {
        await ReplayingAsync(Ping(1), Ping(2));
        var second = await EntryAsync(1);

        var completed = await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None);

        Assert.Equal((PlaybackState.Replaying, second, Json(Ping(2))[0]), (completed!.State, completed.Next!.Entry, completed.Next.Json));
        Assert.Equal(Json(Ping(2)), await QueuedJsonAsync());
        var playback = await GetAsync();
        Assert.Equal((1L, 1L), (playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task CompleteHeadAsync_HeadIsAnotherEvent_NullAndNothingChanged()
    {
        await ReplayingAsync(Ping(1), Ping(2));

        var completed = await Store.CompleteHeadAsync(Key, await EntryAsync(1), isEnd: false, deadLetter: null, None);

        Assert.Null(completed);
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
        Assert.Equal(0L, (await GetAsync()).Forwarded);
    }

    [Fact]
    public async Task CompleteHeadAsync_EmptyQueue_Null()
    {
        await LiveAsync();

        Assert.Null(await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None));
    }

    [Fact]
    public async Task CompleteHeadAsync_LastQueuedEvent_LiveWithNoNextHead()
    {
        await ReplayingAsync(Ping(1), Ping(2));
        await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None);

        var completed = await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None);

        Assert.Equal(new HeadCompletion(PlaybackState.Live, null), completed);
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Live, 2L, 0L), (playback.State, playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task CompleteHeadAsync_DeadLetterRecord_MovedToDeadLettersAndCountedNotForwarded()
    {
        await ReplayingAsync(Ping(1), Ping(2));
        const string Record = """{"event":{"eventType":"ping"},"status":400,"error":"HTTP 400","at":"2025-01-01T00:00:00+00:00"}""";

        var second = await EntryAsync(1);

        var completed = await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, Record, None);

        Assert.Equal((PlaybackState.Replaying, second), (completed!.State, completed.Next!.Entry));
        Assert.Equal([Record], await Store.GetDeadLettersAsync(Key, None));
        Assert.Equal(Json(Ping(2)), await QueuedJsonAsync());
        var playback = await GetAsync();
        Assert.Equal((1L, 0L), (playback.DeadLettered, playback.Forwarded));
    }

    [Fact]
    public async Task CompleteHeadAsync_EndEventDeliveredWithEventsBehindIt_EndedWithNoNextHead()
    {
        await ReplayingAsync(Ping(1), End(), Ping(3));
        await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None);

        var completed = await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: true, deadLetter: null, None);

        Assert.Equal(new HeadCompletion(PlaybackState.Ended, null), completed);
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Ended, 2L, 1L), (playback.State, playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_AfterEndEventAccepted_EndedAndNothingStored()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1), End()], null, None);

        var decision = await Store.AcceptAsync(Key, [Ping(2)], null, None);

        Assert.Equal((AcceptOutcome.Ended, false), (decision.Outcome, decision.StartNeeded));
        Assert.Equal(Json(Ping(1), End()), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_AfterSessionComplete_LaterEventsStoredInOrder()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1), Complete()], null, None);

        var ping = await Store.AcceptAsync(Key, [Ping(2)], null, None);
        var end = await Store.AcceptAsync(Key, [End()], null, None);

        Assert.Equal((AcceptOutcome.Stored, AcceptOutcome.Stored), (ping.Outcome, end.Outcome));
        Assert.Equal(Json(Ping(1), Complete(), Ping(2), End()), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_SessionEndAgainAfterSessionEnd_AcknowledgedAndNothingStored()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1), End()], null, None);

        var repeated = await Store.AcceptAsync(Key, [End(1732500061000), End(1732500062000)], null, None);

        Assert.Equal((AcceptOutcome.EndRepeated, false), (repeated.Outcome, repeated.StartNeeded));
        Assert.Equal(Json(Ping(1), End()), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_SessionEndWithAnotherEventAfterSessionEnd_EndedAndNothingStored()
    {
        await Store.AcceptAsync(Key, [Start(), End()], null, None);

        var decision = await Store.AcceptAsync(Key, [End(1732500061000), Ping(2)], null, None);

        Assert.Equal(AcceptOutcome.Ended, decision.Outcome);
        Assert.Equal(Json(End()), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_SessionEndAgainAfterEndDeliveredDirectly_AcknowledgedNotForwarded()
    {
        await LiveAsync();
        await Store.AcceptAsync(Key, [End()], null, None);
        await Store.EndForwardedAsync(Key, None);

        var decision = await Store.AcceptAsync(Key, [End(1732500061000)], null, None);

        Assert.Equal((AcceptOutcome.EndRepeated, PlaybackState.Ended), (decision.Outcome, decision.State));
        var playback = await GetAsync();
        Assert.Equal((1L, 0L), (playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_AfterEndDeliveredDirectly_EndedOutcome()
    {
        await LiveAsync();
        await Store.AcceptAsync(Key, [End()], null, None);
        Assert.Equal(PlaybackState.Ended, await Store.EndForwardedAsync(Key, None));

        var decision = await Store.AcceptAsync(Key, [Ping(2)], null, None);

        Assert.Equal((AcceptOutcome.Ended, PlaybackState.Ended), (decision.Outcome, decision.State));
        var playback = await GetAsync();
        Assert.Equal((1L, 0L), (playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task AcceptAsync_LiveEmptyQueue_ForwardCountedAtOnceStillLive()
    {
        await LiveAsync();

        var decision = await Store.AcceptAsync(Key, [Ping(1), Ping(2), Ping(3)], null, None);

        Assert.Equal((AcceptOutcome.ForwardDirectly, PlaybackState.Live), (decision.Outcome, decision.State));
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Live, 3L, 0L), (playback.State, playback.Forwarded, playback.Queued));
    }

    [Fact]
    public async Task RequeueAsync_DirectForwardFailed_ReplayingWithLastErrorAndEventsInOrder()
    {
        await LiveAsync();
        await Store.AcceptAsync(Key, [Ping(1), Ping(2)], null, None);

        var state = await Store.RequeueAsync(Key, [Ping(1), Ping(2)], "HTTP 503", None);

        Assert.Equal(PlaybackState.Replaying, state);
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Replaying, "HTTP 503", 0L), (playback.State, playback.LastError, playback.Forwarded));
    }

    [Fact]
    public async Task RequeueAsync_EventsAlreadyQueued_AppendedAfterThem()
    {
        await ReplayingAsync(Ping(1));

        var state = await Store.RequeueAsync(Key, [Ping(2), Ping(3)], "timeout", None);

        Assert.Equal(PlaybackState.Replaying, state);
        Assert.Equal(Json(Ping(1), Ping(2), Ping(3)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task SessionLostAsync_Replaying_StartingWithResumeNoSessionIdQueueKept()
    {
        await ReplayingAsync(Ping(1), Ping(2));

        await Store.SessionLostAsync(Key, "HTTP 410", None);

        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Starting, true, null, "HTTP 410"), (playback.State, playback.Resume, playback.SessionId, playback.LastError));
        Assert.Equal((Start().Json, 2L), (playback.SessionStartJson, playback.Queued));
    }

    [Fact]
    public async Task SessionCreatedAsync_AfterSessionLost_NewSessionIdResumeAndLastErrorCleared()
    {
        await ReplayingAsync(Ping(1));
        await Store.SessionLostAsync(Key, "HTTP 404", None);

        var state = (await Store.SessionCreatedAsync(Key, "sid-2", None)).State;

        Assert.Equal(PlaybackState.Replaying, state);
        var playback = await GetAsync();
        Assert.Equal(("sid-2", false, null), (playback.SessionId, playback.Resume, playback.LastError));
    }

    [Fact]
    public async Task RecordErrorAsync_Fail_FailedWithLastError()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1)], null, None);

        await Store.RecordErrorAsync(Key, "Sessions call refused: HTTP 400", PlaybackError.Failed, None);

        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Failed, "Sessions call refused: HTTP 400", 1L), (playback.State, playback.LastError, playback.Queued));
    }

    [Fact]
    public async Task RecordErrorAsync_NoFail_StateKeptLastErrorSet()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);

        await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, None);

        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Starting, "HTTP 503"), (playback.State, playback.LastError));
    }

    [Fact]
    public async Task RecordErrorAsync_UnknownKey_NothingCreated()
    {
        await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Failed, None);

        Assert.Null(await Store.GetAsync(Key, None));
    }

    [Fact]
    public async Task AcceptAsync_FailedPlayback_EventsStillKept()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);
        await Store.RecordErrorAsync(Key, "refused", PlaybackError.Failed, None);

        var decision = await Store.AcceptAsync(Key, [Ping(1)], null, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Failed), (decision.Outcome, decision.State));
        Assert.Equal(Json(Ping(1)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_HeldEventsPastTheirByteCap_RefusedFullNothingMoreStored()
    {
        // Bytes are capped before any sessionStart, whatever the count: a flood of fresh keys cannot fill the store.
        var big = new PlaybackEvent("ping", $$$"""{"playerTime":{"playhead":1,"ts":1},"eventType":"ping","params":{"pad":"{{{new string('x', HeldBytes * 3 / 4)}}}"}}""");
        var first = await Store.AcceptAsync(Key, [big], null, None);

        var second = await Store.AcceptAsync(Key, [big], null, None);

        Assert.Equal(AcceptOutcome.Stored, first.Outcome);
        Assert.Equal(AcceptOutcome.QueueFull, second.Outcome);
        Assert.Equal(1L, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_HeldEventsThenSessionStart_TheByteCapNoLongerApplies()
    {
        var big = new PlaybackEvent("ping", $$$"""{"playerTime":{"playhead":1,"ts":1},"eventType":"ping","params":{"pad":"{{{new string('x', HeldBytes * 3 / 4)}}}"}}""");
        await Store.AcceptAsync(Key, [big], null, None);
        await Store.AcceptAsync(Key, [Start()], null, None);

        var decision = await Store.AcceptAsync(Key, [big, big], null, None);

        Assert.Equal(AcceptOutcome.Stored, decision.Outcome);
        Assert.Equal(3L, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_RefuseNew_NewPlaybackRefusedUntouchedExistingOneAccepted()
    {
        var other = Guid.NewGuid().ToString("N");
        var created = await Store.AcceptAsync(Key, [Start()], null, None);

        var refused = await Store.AcceptAsync(other, [Start()], null, new AcceptConditions(RefuseNew: true), None);
        var existing = await Store.AcceptAsync(Key, [Ping(1)], null, new AcceptConditions(RefuseNew: true), None);

        Assert.True(created.Created);
        Assert.Equal(AcceptOutcome.StoreFull, refused.Outcome);
        Assert.Null(await Store.GetAsync(other, None));
        Assert.Equal((AcceptOutcome.Stored, false), (existing.Outcome, existing.Created));
    }

    [Fact]
    public async Task GetAsync_UnknownKey_Null() => Assert.Null(await Store.GetAsync(Key, None));

    [Fact]
    public async Task PeekAsync_UnknownKey_Empty() => Assert.Empty(await QueuedJsonAsync());

    [Fact]
    public async Task GetDeadLettersAsync_NoneRefused_Empty()
    {
        await ReplayingAsync(Ping(1));

        Assert.Empty(await Store.GetDeadLettersAsync(Key, None));
    }

    [Fact]
    public async Task PeekAsync_FewerThanQueued_OldestFirstWithoutRemoving()
    {
        await Store.AcceptAsync(Key, [.. Enumerable.Range(1, 5).Select(Ping)], null, None);

        var first = await Store.PeekAsync(Key, 3, None);
        var again = await Store.PeekAsync(Key, 3, None);

        Assert.Equal(Json(Ping(1), Ping(2), Ping(3)), first.Select(e => e.Json));
        Assert.Equal(first, again);
        Assert.Equal(5L, (await GetAsync()).Queued);
    }

    protected static PlaybackEvent Start(double playhead = 0) => new(
        MediaEventTypes.SessionStart,
        $$$"""{"playerTime":{"playhead":{{{playhead}}},"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"store-test","media.length":60}}""");

    protected static PlaybackEvent Ping(int seq) =>
        new("ping", $$$"""{"playerTime":{"playhead":{{{seq}}},"ts":{{{1732500000000 + seq}}}},"eventType":"ping","params":{"test.seq":{{{seq}}}}}""");

    protected static PlaybackEvent End(long ts = 1732500060000) =>
        new(MediaEventTypes.SessionEnd, $$$"""{"playerTime":{"playhead":60,"ts":{{{ts}}}},"eventType":"sessionEnd"}""");

    protected static PlaybackEvent Complete() =>
        new(MediaEventTypes.SessionComplete, """{"playerTime":{"playhead":60,"ts":1732500059000},"eventType":"sessionComplete"}""");

    protected async Task<PlaybackSnapshot> GetAsync() =>
        await Store.GetAsync(Key, None) ?? throw new Xunit.Sdk.XunitException($"Playback {Key} is not in the store.");

    /// <summary>Started, session created, nothing queued: live as <c>sid-1</c>.</summary>
    protected async Task LiveAsync()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);
        Assert.Equal(new SessionRecorded(PlaybackState.Live, 0), await Store.SessionCreatedAsync(Key, "sid-1", None));
    }

    /// <summary>Started with <paramref name="queued"/> held, then the session created: replaying as <c>sid-1</c>.</summary>
    protected async Task ReplayingAsync(params PlaybackEvent[] queued)
    {
        await Store.AcceptAsync(Key, [Start(), .. queued], null, None);
        Assert.Equal(PlaybackState.Replaying, (await Store.SessionCreatedAsync(Key, "sid-1", None)).State);
    }

    protected static string[] Json(params PlaybackEvent[] events) => [.. events.Select(e => e.Json)];

    /// <summary>The JSON of every queued event, oldest first.</summary>
    protected async Task<string[]> QueuedJsonAsync() => [.. (await Store.PeekAsync(Key, 1000, None)).Select(e => e.Json)];

    /// <summary>The queue entry at <paramref name="index"/> (its identity for the compare-and-pop calls); a made-up one past the end.</summary>
    protected async Task<string> EntryAsync(int index) =>
        await Store.PeekAsync(Key, index + 1, None) is { } queued && queued.Count > index ? queued[index].Entry : QueuedEvent.Format(Ping(99).Json, DateTimeOffset.UnixEpoch);
}
