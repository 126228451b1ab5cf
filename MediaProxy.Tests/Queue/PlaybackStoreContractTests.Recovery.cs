using MediaProxy.Core.Playbacks;

namespace MediaProxy.Tests.Queue;

/// <summary>The store contract, continued: idempotent posts, giving up on an event, retrying a failed playback.</summary>
public abstract partial class PlaybackStoreContractTests
{
    [Fact]
    public async Task AcceptAsync_RepeatedIdempotencyKey_DuplicateWithFirstCountNothingStoredAgain()
    {
        await Store.AcceptAsync(Key, [Ping(1), Ping(2)], "batch-1", None);

        var again = await Store.AcceptAsync(Key, [Ping(1), Ping(2)], "batch-1", None);

        Assert.Equal((AcceptOutcome.Duplicate, 2), (again.Outcome, again.PreviouslyAccepted));
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_OtherIdempotencyKey_Stored()
    {
        await Store.AcceptAsync(Key, [Ping(1)], "batch-1", None);

        var next = await Store.AcceptAsync(Key, [Ping(2)], "batch-2", None);

        Assert.Equal(AcceptOutcome.Stored, next.Outcome);
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task AcceptAsync_RepeatOfThePostThatEnded_DuplicateNotEnded()
    {
        await LiveAsync();
        await Store.AcceptAsync(Key, [End()], "last-batch", None);
        await Store.RememberPostAsync(Key, "last-batch", 1, None);

        var again = await Store.AcceptAsync(Key, [End()], "last-batch", None);

        // A retried final batch gets the answer the first one got, not a 409.
        Assert.Equal(AcceptOutcome.Duplicate, again.Outcome);
    }

    [Fact]
    public async Task AcceptAsync_ForwardDecidedButNeverAnswered_RepeatIsForwardedAgain()
    {
        // The instance that decided the forward died before delivering: the player's retry must deliver the event,
        // not be told it was accepted already.
        await LiveAsync();
        Assert.Equal(AcceptOutcome.ForwardDirectly, (await Store.AcceptAsync(Key, [Ping(1)], "batch-1", None)).Outcome);

        var retry = await Store.AcceptAsync(Key, [Ping(1)], "batch-1", None);

        Assert.Equal(AcceptOutcome.ForwardDirectly, retry.Outcome);
    }

    [Fact]
    public async Task RememberPostAsync_AfterDirectForward_RepeatIsDuplicateWithCount()
    {
        await LiveAsync();
        await Store.AcceptAsync(Key, [Ping(1), Ping(2)], "batch-1", None);

        await Store.RememberPostAsync(Key, "batch-1", 2, None);
        var retry = await Store.AcceptAsync(Key, [Ping(1), Ping(2)], "batch-1", None);

        Assert.Equal((AcceptOutcome.Duplicate, 2), (retry.Outcome, retry.PreviouslyAccepted));
        Assert.Equal(2L, (await GetAsync()).Forwarded);
    }

    [Fact]
    public async Task RecordErrorAsync_RetryableFailures_CountedInARowAndReasonKeptStateUnchanged()
    {
        await ReplayingAsync(Ping(1), Ping(2));

        var first = await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, None);
        var second = await Store.RecordErrorAsync(Key, "HTTP 502", PlaybackError.Retry, None);

        Assert.Equal((1, 2), (first, second));
        var playback = await GetAsync();
        Assert.Equal((PlaybackState.Replaying, "HTTP 502", 2), (playback.State, playback.LastError, playback.Failures));
        Assert.Equal(Json(Ping(1), Ping(2)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task CompleteHeadAsync_AfterFailures_CountStartsAgain()
    {
        await ReplayingAsync(Ping(1), Ping(2));
        await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, None);

        await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: null, None);

        Assert.Equal(0, (await GetAsync()).Failures);
        Assert.Equal(1, await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, None));
    }

    [Fact]
    public async Task RecordErrorAsync_SessionsCallTimedOut_RememberedUntilTheSessionIsCreated()
    {
        await Store.AcceptAsync(Key, [Start()], null, None);

        await Store.RecordErrorAsync(Key, "timeout", PlaybackError.SessionsCallTimedOut, None);
        var timedOut = (await GetAsync()).SessionCallTimedOut;
        await Store.SessionCreatedAsync(Key, "sid-1", None);

        Assert.True(timedOut);
        Assert.False((await GetAsync()).SessionCallTimedOut);
        Assert.Equal(0, (await GetAsync()).Failures);
    }

    [Fact]
    public async Task RecordErrorAsync_UnknownPlayback_ZeroAndNothingCreated()
    {
        Assert.Equal(0, await Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, None));
        Assert.Null(await Store.GetAsync(Key, None));
    }

    [Fact]
    public async Task AcceptAsync_LiveButUpstreamDown_QueuedAndReplayingNothingForwarded()
    {
        await LiveAsync();

        var decision = await Store.AcceptAsync(Key, [Ping(1)], null, queueWhenLive: true, None);

        Assert.Equal((AcceptOutcome.Stored, PlaybackState.Replaying), (decision.Outcome, decision.State));
        Assert.Equal(Json(Ping(1)), await QueuedJsonAsync());
        Assert.Equal(PlaybackState.Replaying, (await GetAsync()).State);
    }

    [Fact]
    public async Task AcceptAsync_SessionStart_AcceptTimeKeptForTheAgeLimit()
    {
        var before = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await Store.AcceptAsync(Key, [Start()], null, None);

        Assert.InRange((await GetAsync()).StartAcceptedAt!.Value, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task RetryAsync_FailedWithoutSession_StartingAgain()
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1)], null, None);
        await Store.RecordErrorAsync(Key, "refused", PlaybackError.Failed, None);

        var retried = await Store.RetryAsync(Key, None);

        Assert.Equal((true, PlaybackState.Starting), retried);
        Assert.Null((await GetAsync()).LastError);
    }

    [Fact]
    public async Task RetryAsync_FailedWithSessionAndQueue_Replaying()
    {
        await ReplayingAsync(Ping(1));
        await Store.RecordErrorAsync(Key, "gave up", PlaybackError.Failed, None);

        Assert.Equal((true, PlaybackState.Replaying), await Store.RetryAsync(Key, None));
    }

    [Fact]
    public async Task RetryAsync_NotFailed_FalseWithStateUnchanged()
    {
        await LiveAsync();

        Assert.Equal((false, PlaybackState.Live), await Store.RetryAsync(Key, None));
    }

    [Fact]
    public async Task RetryAsync_UnknownPlayback_Null() =>
        Assert.Null(await Store.RetryAsync(Key, None));

    [Fact]
    public async Task SessionLostAsync_UnknownPlayback_NothingCreated()
    {
        await Store.SessionLostAsync(Key, "HTTP 410", None);

        Assert.Null(await Store.GetAsync(Key, None));
    }

    [Fact]
    public async Task EndForwardedAsync_UnknownPlayback_NothingCreated()
    {
        await Store.EndForwardedAsync(Key, None);

        Assert.Null(await Store.GetAsync(Key, None));
    }

    [Fact]
    public async Task AcceptAsync_PastHeldCapBeforeSessionStart_QueueFullNothingStored()
    {
        var held = new PlaybackOptions().MaxHeldEvents;
        await Store.AcceptAsync(Key, [.. Enumerable.Range(1, held).Select(Ping)], null, None);

        var refused = await Store.AcceptAsync(Key, [Ping(held + 1)], null, None);

        Assert.Equal((AcceptOutcome.QueueFull, held), (refused.Outcome, refused.PreviouslyAccepted));
        Assert.Equal(held, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_SessionStartRaisesTheCap_StoredPastTheHeldCap()
    {
        var held = new PlaybackOptions().MaxHeldEvents;
        await Store.AcceptAsync(Key, [.. Enumerable.Range(1, held).Select(Ping)], null, None);

        var decision = await Store.AcceptAsync(Key, [Start(), Ping(held + 1)], null, None);

        Assert.Equal((AcceptOutcome.Stored, true), (decision.Outcome, decision.StartNeeded));
        Assert.Equal(held + 1, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_PostPastTheQueueCap_RefusedWholeSessionStartNotRecorded()
    {
        var cap = new PlaybackOptions().MaxQueuedEvents;

        var refused = await Store.AcceptAsync(Key, [Start(), .. Enumerable.Range(1, cap + 1).Select(Ping)], null, None);

        Assert.Equal(AcceptOutcome.QueueFull, refused.Outcome);
        var playback = await Store.GetAsync(Key, None);
        Assert.True(playback is null || (playback.SessionStartJson is null && playback.Queued == 0), $"left a trace: {playback}");
    }

    [Fact]
    public async Task DeadLetterAsync_DirectlyForwardedEventRefused_CountedDeadNotForwardedQueueUntouched()
    {
        await LiveAsync();
        Assert.Equal(AcceptOutcome.ForwardDirectly, (await Store.AcceptAsync(Key, [Ping(1)], null, None)).Outcome);

        await Store.DeadLetterAsync(Key, "{\"n\":1}", None);

        Assert.Equal(["{\"n\":1}"], await Store.GetDeadLettersAsync(Key, None));
        var playback = await GetAsync();
        Assert.Equal((1L, 0L, 0L, PlaybackState.Live), (playback.DeadLettered, playback.Forwarded, playback.Queued, playback.State));
    }

    [Fact]
    public async Task DeadLetterAsync_UnknownPlayback_NothingCreated()
    {
        await Store.DeadLetterAsync(Key, "{}", None);

        Assert.Null(await Store.GetAsync(Key, None));
    }
}
