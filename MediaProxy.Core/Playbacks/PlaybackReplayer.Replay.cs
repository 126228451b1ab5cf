using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The replay: the queue sent in order, one event at a time per playback, each popped only after the upstream's
/// 204 (a crash in between sends it again rather than losing it), and no more sends in flight than
/// <see cref="ReplayGovernor"/> lets the posts live with.
/// </summary>
public sealed partial class PlaybackReplayer
{
    private async Task<Step> ReplayAsync(string playbackKey, string sessionId, CancellationToken cancellationToken)
    {
        PlaybackTracing.SessionId(sessionId);
        var batch = await store.PeekAsync(playbackKey, options.Value.ReplayBatchSize, cancellationToken);
        if (batch.Count == 0)
        {
            return Step.Stop;
        }

        foreach (var queued in batch)
        {
            // One send at a time per playback (order), and no more at once than posts can live with.
            await governor.EnterAsync(cancellationToken);
            Step? step;
            try
            {
                step = await DeliverHeadAsync(playbackKey, sessionId, queued, cancellationToken);
            }
            finally
            {
                governor.Exit();
            }

            if (step is { } done)
            {
                return done;
            }
        }

        return Step.Continue;
    }

    /// <summary>Sends the head event and pops it after the 204; null to go on with the next one.</summary>
    private async Task<Step?> DeliverHeadAsync(string playbackKey, string sessionId, QueuedEvent queued, CancellationToken cancellationToken)
    {
        var (entry, json) = (queued.Entry, queued.Json);
        var result = await upstream.SendEventAsync(sessionId, json, cancellationToken);
        PlaybackState? state;
        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                var eventType = MediaEventJson.ReadEventType(json);
                state = await store.CompleteHeadAsync(playbackKey, entry, MediaEventTypes.IsEnd(eventType), null, cancellationToken);
                metrics.Forwarded(eventType, 1, DeliveryPath.Replay, queued.AcceptedAt);
                break;

            case UpstreamOutcome.Rejected:
                LogEventDeadLettered(logger, PlaybackKey.ForLog(playbackKey), result.Detail);
                var record = DeadLetterRecord.Create(json, result, timeProvider.GetUtcNow());
                state = await store.CompleteHeadAsync(playbackKey, entry, isEnd: false, record, cancellationToken);
                metrics.DeadLettered("rejected", MediaEventJson.ReadEventType(json));
                break;

            case UpstreamOutcome.SessionGone:
                LogSessionLost(logger, PlaybackKey.ForLog(playbackKey), sessionId, result.Detail);
                await store.SessionLostAsync(playbackKey, $"Session {sessionId} lost: {result.Detail}", cancellationToken);
                return Step.Continue;

            default:
                var failures = _failures.AddOrUpdate(playbackKey, 1, (_, n) => n + 1);
                LogReplayFailed(logger, PlaybackKey.ForLog(playbackKey), failures, result.Detail);
                var failure = await store.HeadFailedAsync(playbackKey, entry, options.Value.MaxDeliveryRounds,
                    $"Replay failed ({failures}×): {result.Detail}", DeadLetterRecord.Create(json, result, timeProvider.GetUtcNow()), cancellationToken);
                if (failure is not { DeadLettered: true })
                {
                    return Step.Retry;
                }

                // The give-up point: the event is kept in the dead letters and the replay goes on.
                LogGaveUp(logger, PlaybackKey.ForLog(playbackKey), options.Value.MaxDeliveryRounds, result.Detail);
                metrics.DeadLettered("gave_up", MediaEventJson.ReadEventType(json));
                return Step.Continue;
        }

        _failures.TryRemove(playbackKey, out _);
        if (state != PlaybackState.Replaying)
        {
            // null: the head moved under us; live/ended: nothing more to replay. Either way, re-read.
            return Step.Continue;
        }

        return null;
    }
}
