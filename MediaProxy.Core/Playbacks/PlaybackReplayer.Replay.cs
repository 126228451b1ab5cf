using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The replay: the queue sent in order, one event at a time per playback, each popped only after the upstream's
/// 204 (a crash in between sends it again rather than losing it), and no more sends in flight than
/// <see cref="ReplayGovernor"/> lets the posts live with. The pop brings back the next head: one script per event,
/// and one event in memory per replaying playback (a batch read ahead lived long enough to be promoted by the GC,
/// and the gen1 collections it caused were the posts' worst latencies during a replay).
/// </summary>
public sealed partial class PlaybackReplayer
{
    private async Task<Step> ReplayAsync(string playbackKey, string sessionId, CancellationToken cancellationToken)
    {
        PlaybackTracing.SessionId(sessionId);
        var head = await store.PeekAsync(playbackKey, 1, cancellationToken) is [var first, ..] ? first : null;
        if (head is null)
        {
            return Step.Stop;
        }

        // A pass sends ReplayBatchSize events at most; then the loop in RunAsync reads the playback again.
        for (var sent = 0; sent < options.Value.ReplayBatchSize; sent++)
        {
            // One send at a time per playback (order), and no more at once than posts can live with.
            await governor.EnterAsync(cancellationToken);
            (Step? Done, QueuedEvent? Next) delivered;
            try
            {
                delivered = await DeliverHeadAsync(playbackKey, sessionId, head, cancellationToken);
            }
            finally
            {
                governor.Exit();
            }

            if (delivered.Next is not { } next)
            {
                return delivered.Done ?? Step.Continue;
            }

            head = next;
        }

        return Step.Continue;
    }

    /// <summary>Sends the head event and pops it after the 204: either the next head to send, or the step to take.</summary>
    private async Task<(Step? Done, QueuedEvent? Next)> DeliverHeadAsync(string playbackKey, string sessionId, QueuedEvent queued, CancellationToken cancellationToken)
    {
        var (entry, json) = (queued.Entry, queued.Json);
        var result = await upstream.SendEventAsync(sessionId, json, cancellationToken);
        HeadCompletion? completed;
        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                var eventType = MediaEventJson.ReadEventType(json);
                completed = await store.CompleteHeadAsync(playbackKey, entry, MediaEventTypes.IsEnd(eventType), null, cancellationToken);
                metrics.Forwarded(eventType, 1, DeliveryPath.Replay, queued.AcceptedAt);
                break;

            case UpstreamOutcome.Rejected:
                LogEventDeadLettered(logger, PlaybackKey.ForLog(playbackKey), result.Detail);
                var record = DeadLetterRecord.Create(json, result, timeProvider.GetUtcNow());
                completed = await store.CompleteHeadAsync(playbackKey, entry, isEnd: false, record, cancellationToken);
                metrics.DeadLettered("rejected", MediaEventJson.ReadEventType(json));
                break;

            case UpstreamOutcome.SessionGone:
                LogSessionLost(logger, PlaybackKey.ForLog(playbackKey), sessionId, result.Detail);
                await store.SessionLostAsync(playbackKey, $"Session {sessionId} lost: {result.Detail}", cancellationToken);
                return (Step.Continue, null);

            default:
                var failures = _failures.AddOrUpdate(playbackKey, 1, (_, n) => n + 1);
                LogReplayFailed(logger, PlaybackKey.ForLog(playbackKey), failures, result.Detail);
                var failure = await store.HeadFailedAsync(playbackKey, entry, options.Value.MaxDeliveryRounds,
                    $"Replay failed ({failures}×): {result.Detail}", DeadLetterRecord.Create(json, result, timeProvider.GetUtcNow()), cancellationToken);
                if (failure is not { DeadLettered: true })
                {
                    return (Step.Retry, null);
                }

                // The give-up point: the event is kept in the dead letters and the replay goes on.
                LogGaveUp(logger, PlaybackKey.ForLog(playbackKey), options.Value.MaxDeliveryRounds, result.Detail);
                metrics.DeadLettered("gave_up", MediaEventJson.ReadEventType(json));
                return (Step.Continue, null);
        }

        _failures.TryRemove(playbackKey, out _);
        if (completed is not { State: PlaybackState.Replaying, Next: { } next })
        {
            // null: the head moved under us; live/ended: nothing more to replay. Either way, re-read.
            return (Step.Continue, null);
        }

        return (null, next);
    }
}
