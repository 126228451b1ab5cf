using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The second stage, while a playback is <c>replaying</c>: its queue sent in order, one event at a time, each
/// popped only after the upstream's 204 (a crash in between sends it again rather than losing it). The pop brings
/// back the next head: one script per event and one event in memory per replaying playback. Replay sends also pass
/// the <see cref="ReplayGovernor"/>, which holds them back while they slow the posts down.
/// </summary>
public sealed partial class QueueDeliverer(
    IPlaybackStore store,
    EventDelivery delivery,
    UpstreamGate gate,
    ReplayGovernor governor,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<QueueDeliverer> logger)
{
    /// <param name="playbackKey">The playback, <c>replaying</c>.</param>
    /// <param name="sessionId">Its upstream session.</param>
    /// <param name="head">The queue's head when the caller has it (the session was just recorded); read otherwise.</param>
    /// <param name="cancellationToken">The lease's work token.</param>
    public async Task<StageOutcome> RunAsync(string playbackKey, string sessionId, QueuedEvent? head, CancellationToken cancellationToken)
    {
        PlaybackTracing.SessionId(sessionId);
        head ??= await store.PeekAsync(playbackKey, 1, cancellationToken) is [var first, ..] ? first : null;
        if (head is null)
        {
            return StageOutcome.Done; // the last pop already made it live
        }

        for (var sent = 0; head is not null && sent < options.Value.ReplayBatchSize; sent++)
        {
            var step = await DeliverHeadAsync(playbackKey, sessionId, head, cancellationToken);
            if (step.Outcome is { } outcome)
            {
                return outcome;
            }

            head = step.Next;
        }

        // A batch sent: the worker reads the playback again (live now, or more to send).
        return StageOutcome.Next;
    }

    /// <summary>Sends the head and pops it after the 204: either the next head to send, or how the stage ends.</summary>
    private async Task<(StageOutcome? Outcome, QueuedEvent? Next)> DeliverHeadAsync(string playbackKey, string sessionId, QueuedEvent head, CancellationToken cancellationToken)
    {
        var eventType = MediaEventJson.ReadEventType(head.Json);
        if (head.AcceptedAt is { } acceptedAt && timeProvider.GetUtcNow() - acceptedAt > options.Value.MaxEventAge)
        {
            // The one give-up besides the upstream's own refusal, and a documented one: too old to be worth sending.
            LogExpired(logger, PlaybackKey.ForLog(playbackKey), eventType, options.Value.MaxEventAge);
            metrics.DeadLettered("expired", eventType);
            var expired = new UpstreamResult(UpstreamOutcome.Rejected, null, null, $"Not sent: older than MaxEventAge ({options.Value.MaxEventAge}).");
            return Popped(await store.CompleteHeadAsync(playbackKey, head.Entry, isEnd: false, DeadLetterRecord.Create(head.Json, expired, timeProvider.GetUtcNow()), cancellationToken));
        }

        // One send at a time per playback (order), and no more at once than posts can live with.
        await governor.EnterAsync(cancellationToken);
        UpstreamResult result;
        try
        {
            result = await delivery.SendAsync(new QueuedDelivery(playbackKey, sessionId, eventType, head.Json, head.AcceptedAt), DeliveryPath.Replay, waitForSlot: true, cancellationToken);
        }
        finally
        {
            governor.Exit();
        }

        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                return Popped(await store.CompleteHeadAsync(playbackKey, head.Entry, MediaEventTypes.IsEnd(eventType), null, cancellationToken));

            case UpstreamOutcome.Rejected:
                return Popped(await store.CompleteHeadAsync(playbackKey, head.Entry, isEnd: false, DeadLetterRecord.Create(head.Json, result, timeProvider.GetUtcNow()), cancellationToken));

            case UpstreamOutcome.SessionGone:
                LogSessionLost(logger, PlaybackKey.ForLog(playbackKey), sessionId, result.Detail);
                await store.SessionLostAsync(playbackKey, $"Session {sessionId} lost: {result.Detail}", cancellationToken);
                return (StageOutcome.Next, null);

            case UpstreamOutcome.NotSent:
                return (StageOutcome.Parked, null);

            default:
                var failures = await store.RecordErrorAsync(playbackKey, $"Replay failed: {result.Detail}", PlaybackError.Retry, cancellationToken);
                if (!gate.Health.IsAvailable)
                {
                    return (StageOutcome.Parked, null);
                }

                var delay = Backoff.FullJitter(failures, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay, result.RetryAfter);
                LogReplayFailed(logger, PlaybackKey.ForLog(playbackKey), failures, result.Detail, delay.TotalSeconds);
                return (StageOutcome.RetryAfter(delay), null);
        }
    }

    // Live or ended: the pop emptied the queue, nothing is left to do. Null (the head moved under us: another owner)
    // or anything else: read the playback again.
    private static (StageOutcome? Outcome, QueuedEvent? Next) Popped(HeadCompletion? completed) => completed switch
    {
        { State: PlaybackState.Replaying, Next: { } next } => (null, next),
        { State: PlaybackState.Live or PlaybackState.Ended } => (StageOutcome.Done, null),
        _ => (StageOutcome.Next, null),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: upstream session {SessionId} is gone ({Reason}); starting a new one with media.resume")]
    private static partial void LogSessionLost(ILogger logger, string playbackKey, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: a {EventType} event waited longer than MaxEventAge ({MaxAge}); moved to dead letters unsent")]
    private static partial void LogExpired(ILogger logger, string playbackKey, string eventType, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: replay failed {Failures} time(s) in a row ({Reason}); events kept, trying again in {DelaySeconds:F1} s")]
    private static partial void LogReplayFailed(ILogger logger, string playbackKey, int failures, string reason, double delaySeconds);
}
