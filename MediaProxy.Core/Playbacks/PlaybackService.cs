using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The player-facing side: takes a validated post, makes it durable (or delivers it) and answers. It never waits
/// for the sessions call; that and the replay run in <see cref="PlaybackWorker"/>.
/// </summary>
public sealed partial class PlaybackService(
    IPlaybackStore store,
    IPlaybackCoordination coordination,
    EventDelivery delivery,
    UpstreamGate gate,
    PlaybackScheduler work,
    ReplayGovernor replay,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackService> logger)
{
    /// <summary>
    /// Accepts the post: durable (or delivered) when the answer says so. <paramref name="refuseNew"/>: no new playback
    /// may be created now (the store is nearly full, or the client spent its budget of new playbacks).
    /// </summary>
    public async Task<AcceptResult> AcceptAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, bool refuseNew, CancellationToken cancellationToken)
    {
        using var activity = PlaybackTracing.StartAccept(playbackKey, events.Count);
        // While the upstream is down nothing is forwarded: a live playback's events are queued, for the replay.
        var upstreamDown = !gate.Health.IsAvailable;
        // A post with a sessionStart may create work (the sessions call), and so does one queued while the upstream
        // is down. It is put in the pending index first, sent together with the accept (one round trip), so no crash
        // between the two can hide the work; a spurious entry is cleared by whoever looks at it.
        var marked = upstreamDown || events.Any(e => e.IsSessionStart)
            ? coordination.MarkPendingAsync(playbackKey, timeProvider.GetUtcNow(), cancellationToken)
            : null;
        var timing = replay.PostStarted();
        var decision = await store.AcceptAsync(playbackKey, events, idempotencyKey, new AcceptConditions(upstreamDown, refuseNew), cancellationToken);
        // The accept itself, not a direct forward's upstream call: how much a replay slows posts down.
        replay.PostAccepted(timing);
        if (marked is not null)
        {
            await marked;
        }

        PlaybackTracing.Outcome(decision.Outcome.ToString());
        if (decision.SessionId is { } sessionId)
        {
            PlaybackTracing.SessionId(sessionId);
        }

        switch (decision.Outcome)
        {
            case AcceptOutcome.Ended:
                return new AcceptResult(false, 0, decision.State);
            case AcceptOutcome.EndRepeated:
                LogEndRepeated(logger, PlaybackKey.ForLog(playbackKey));
                return new AcceptResult(true, events.Count, decision.State);
            case AcceptOutcome.StoreFull:
                return new AcceptResult(false, 0, decision.State, StoreFull: true);
            case AcceptOutcome.QueueFull:
                LogQueueFull(logger, PlaybackKey.ForLog(playbackKey), decision.PreviouslyAccepted);
                return new AcceptResult(false, 0, decision.State, QueueCap: decision.PreviouslyAccepted);
            case AcceptOutcome.Duplicate:
                LogDuplicatePost(logger, PlaybackKey.ForLog(playbackKey), decision.PreviouslyAccepted);
                return new AcceptResult(true, decision.PreviouslyAccepted, decision.State, Replayed: true);
        }

        if (decision.StartNeeded)
        {
            LogSessionStartAccepted(logger, PlaybackKey.ForLog(playbackKey));
            work.ScheduleNewStart(playbackKey);
        }

        var state = decision.State;
        if (decision.Outcome == AcceptOutcome.ForwardDirectly)
        {
            state = await ForwardDirectlyAsync(playbackKey, decision.SessionId!, [.. events.Where(e => !e.IsSessionStart)], cancellationToken);
            if (idempotencyKey is not null)
            {
                // Delivered, dead-lettered or queued by now: only from here may a repeat be answered as a duplicate.
                await store.RememberPostAsync(playbackKey, idempotencyKey, events.Count, CancellationToken.None);
            }
        }

        metrics.Accepted(events);
        return new AcceptResult(true, events.Count, state) { Created = decision.Created };
    }

    /// <summary>
    /// Puts a <c>failed</c> playback back to work (a new sessions call, or the rest of its replay).
    /// Null for an unknown playback; otherwise whether it was failed, and its state now.
    /// </summary>
    public async Task<(bool Retried, PlaybackState State)?> RetryAsync(string playbackKey, CancellationToken cancellationToken)
    {
        await coordination.MarkPendingAsync(playbackKey, timeProvider.GetUtcNow(), cancellationToken);
        var result = await store.RetryAsync(playbackKey, cancellationToken);
        if (result is (true, _))
        {
            await coordination.ClearFailedAsync(playbackKey, cancellationToken);
            LogRetried(logger, PlaybackKey.ForLog(playbackKey));
            work.Schedule(playbackKey);
        }

        return result;
    }

    public Task<PlaybackSnapshot?> GetAsync(string playbackKey, CancellationToken cancellationToken) =>
        store.GetAsync(playbackKey, cancellationToken);

    public Task<IReadOnlyList<string>> GetDeadLettersAsync(string playbackKey, CancellationToken cancellationToken) =>
        store.GetDeadLettersAsync(playbackKey, cancellationToken);

    /// <summary>
    /// Live with an empty queue: send the events now, in order, through the same delivery as the replay. Whatever is
    /// not acknowledged within the deadline, or finds the upstream down or no call slot free, goes to the tail of the
    /// queue (so the 202 still means durable) and the replay takes over.
    /// </summary>
    private async Task<PlaybackState> ForwardDirectlyAsync(string playbackKey, string sessionId, PlaybackEvent[] events, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(options.Value.DirectForwardTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var acceptedAt = timeProvider.GetUtcNow();
        var (sent, endForwarded) = (0, false);
        string? error = null;
        for (; sent < events.Length; sent++)
        {
            UpstreamResult result;
            try
            {
                result = await delivery.SendAsync(new QueuedDelivery(playbackKey, sessionId, events[sent].EventType, events[sent].Json, acceptedAt),
                    DeliveryPath.Direct, waitForSlot: false, linked.Token);
            }
            catch (OperationCanceledException)
            {
                error = deadline.IsCancellationRequested ? "Direct forward timed out." : "The post was aborted during direct forward.";
                break;
            }

            if (result.Outcome == UpstreamOutcome.Rejected)
            {
                // A 400 is final (the contract: never resend that body): dead-lettered now, the rest goes on.
                await store.DeadLetterAsync(playbackKey, DeadLetterRecord.Create(events[sent].Json, result, timeProvider.GetUtcNow()), CancellationToken.None);
                continue;
            }

            if (result.Outcome != UpstreamOutcome.Accepted)
            {
                error = result.Detail;
                break;
            }

            endForwarded |= events[sent].IsEnd;
        }

        // The store counted these events as forwarded when it decided to forward them; a refused one was taken back
        // by DeadLetterAsync above, the unsent ones are by RequeueAsync below.
        // From here on the events must be recorded whatever the caller does: no cancellation.
        var state = PlaybackState.Live;
        if (endForwarded)
        {
            state = await store.EndForwardedAsync(playbackKey, CancellationToken.None);
        }

        return sent < events.Length ? await RequeueAsync(playbackKey, events[sent..], error!) : state;
    }

    /// <summary>Events not forwarded go to the tail of the queue (so the 202 still means durable); the replayer takes over.</summary>
    private async Task<PlaybackState> RequeueAsync(string playbackKey, PlaybackEvent[] events, string reason)
    {
        await coordination.MarkPendingAsync(playbackKey, timeProvider.GetUtcNow(), CancellationToken.None);
        var state = await store.RequeueAsync(playbackKey, events, reason, CancellationToken.None);
        LogDirectForwardFailed(logger, PlaybackKey.ForLog(playbackKey), events.Length, reason);
        work.Schedule(playbackKey);
        return state;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: sessionStart accepted, upstream session requested")]
    private static partial void LogSessionStartAccepted(ILogger logger, string playbackKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: repeated Idempotency-Key, answered as before ({Count} event(s)), nothing stored")]
    private static partial void LogDuplicatePost(ILogger logger, string playbackKey, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: repeated sessionEnd acknowledged, not sent again")]
    private static partial void LogEndRepeated(ILogger logger, string playbackKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: queue cap of {Cap} events reached; post refused with 429")]
    private static partial void LogQueueFull(ILogger logger, string playbackKey, int cap);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: failed playback put back to work on request")]
    private static partial void LogRetried(ILogger logger, string playbackKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: direct forward stopped ({Reason}); {Count} event(s) queued for replay")]
    private static partial void LogDirectForwardFailed(ILogger logger, string playbackKey, int count, string reason);
}

/// <summary>
/// The answer to a post: accepted (durable or delivered) with the playback's state, or refused as ended.
/// <paramref name="Replayed"/>: a repeat of an Idempotency-Key, answered as the first time and not stored again.
/// </summary>
/// <paramref name="QueueCap"/>: set when the post was refused because the playback's queue is full.
/// <paramref name="StoreFull"/>: refused because the playback would be new and none may be created now.
public sealed record AcceptResult(bool Accepted, int Count, PlaybackState State, bool Replayed = false, int? QueueCap = null, bool StoreFull = false)
{
    /// <summary>The post created the playback.</summary>
    public bool Created { get; init; }
}
