using System.Collections.Concurrent;
using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Moves one playback forward as far as it can: makes the sessions call while <c>starting</c>, then sends the
/// queue in order while <c>replaying</c>, popping each event only after the upstream's 204 (at-least-once).
/// Returns when the playback is live, ended or failed, or with a delay after which to try again.
/// </summary>
public sealed partial class PlaybackReplayer(
    IPlaybackStore store,
    MediaCollectionClient upstream,
    ReplayGovernor governor,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackReplayer> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly SessionCallBudget _sessionCalls = new(options.Value.MaxConcurrentSessionCalls);

    private enum Step
    {
        Continue,
        Stop,
        Retry,
        NoSessionCallSlot,
    }

    /// <summary>Works the playback; returns null when done, or how long to wait before the next try.</summary>
    public async Task<TimeSpan?> RunAsync(string playbackKey, CancellationToken cancellationToken)
    {
        while (true)
        {
            var playback = await store.GetAsync(playbackKey, cancellationToken);
            var step = playback?.State switch
            {
                PlaybackState.Starting => await StartSessionWithinBudgetAsync(playbackKey, playback, cancellationToken),
                PlaybackState.Replaying => await ReplayAsync(playbackKey, playback.SessionId!, cancellationToken),
                _ => Step.Stop,
            };

            if (step == Step.Stop)
            {
                _failures.TryRemove(playbackKey, out _);
                return null;
            }

            if (step == Step.Retry)
            {
                return RetryDelay(_failures.GetValueOrDefault(playbackKey));
            }

            if (step == Step.NoSessionCallSlot)
            {
                return options.Value.SessionCallSlotWait;
            }
        }
    }

    /// <summary>
    /// After <see cref="RunAsync"/> answered for lack of a sessions call slot: completes when a slot is free (the
    /// oldest waiter first). Null when the last run of the playback ended for another reason.
    /// </summary>
    public Task? SessionCallSlotFreed(string playbackKey) => _sessionCalls.SessionCallSlotFreed(playbackKey);

    /// <summary>Whether the playback waits in memory for a sessions call slot (after <see cref="SessionCallSlotFreed"/>).</summary>
    public bool IsWaitingForSessionCallSlot(string playbackKey) => _sessionCalls.IsWaiting(playbackKey);

    public void Dispose() => _sessionCalls.Dispose();

    private async Task<Step> StartSessionWithinBudgetAsync(string playbackKey, PlaybackSnapshot playback, CancellationToken cancellationToken)
    {
        if (!await _sessionCalls.TryTakeAsync(playbackKey, cancellationToken))
        {
            return Step.NoSessionCallSlot;
        }

        try
        {
            return await StartSessionAsync(playbackKey, playback, cancellationToken);
        }
        finally
        {
            _sessionCalls.Release();
        }
    }

    /// <summary>Exponential backoff from <see cref="PlaybackOptions.RetryBaseDelay"/>, capped.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var o = options.Value;
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        return TimeSpan.FromTicks((long)Math.Min(o.RetryBaseDelay.Ticks * factor, o.RetryMaxDelay.Ticks));
    }

    private async Task<Step> StartSessionAsync(string playbackKey, PlaybackSnapshot playback, CancellationToken cancellationToken)
    {
        var key = PlaybackKey.ForLog(playbackKey);
        if (playback.SessionStartJson is null)
        {
            await store.RecordErrorAsync(playbackKey, "No sessionStart is stored for this playback.", fail: true, cancellationToken);
            return Step.Stop;
        }

        var body = playback.Resume ? MediaEventJson.WithResume(playback.SessionStartJson) : playback.SessionStartJson;
        var started = timeProvider.GetTimestamp();
        var result = await upstream.StartSessionAsync(body, cancellationToken);
        var status = result.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "error";
        metrics.SessionCallTook(timeProvider.GetElapsedTime(started), status);
        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                PlaybackTracing.SessionId(result.SessionId!);
                var state = await RecordSessionAsync(playbackKey, result.SessionId!, cancellationToken);
                metrics.SessionCreated();
                LogSessionCreated(logger, key, result.SessionId!, timeProvider.GetElapsedTime(started).TotalMilliseconds, playback.Queued, state.ToWire());
                _failures.TryRemove(playbackKey, out _);
                return Step.Continue;

            case UpstreamOutcome.Rejected:
                LogSessionRefused(logger, key, result.Detail);
                metrics.SessionFailed(status);
                await store.RecordErrorAsync(playbackKey, $"Sessions call refused: {result.Detail}", fail: true, cancellationToken);
                return Step.Stop;

            default:
                var failures = _failures.AddOrUpdate(playbackKey, 1, (_, n) => n + 1);
                var giveUp = failures >= options.Value.SessionStartMaxRounds;
                if (result.MayHaveReachedUpstream)
                {
                    LogPossibleDuplicateSession(logger, key, result.Detail);
                }

                LogSessionCallFailed(logger, key, failures, result.Detail, giveUp);
                if (giveUp)
                {
                    metrics.SessionFailed(status);
                }

                await store.RecordErrorAsync(playbackKey, $"Sessions call failed ({failures}×): {result.Detail}", fail: giveUp, cancellationToken);
                return giveUp ? Step.Stop : Step.Retry;
        }
    }

    /// <summary>
    /// Stores the new session id, retrying a failed write a few times: the upstream session exists now, and
    /// giving up here would mean another sessions call later, i.e. a duplicate session upstream.
    /// </summary>
    private async Task<PlaybackState> RecordSessionAsync(string playbackKey, string sessionId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await store.SessionCreatedAsync(playbackKey, sessionId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 5)
            {
                LogRecordSessionFailed(logger, PlaybackKey.ForLog(playbackKey), sessionId, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), timeProvider, cancellationToken);
            }
        }
    }
}
