using System.Globalization;
using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The first stage, while a playback is <c>starting</c>: the sessions call, through the <see cref="UpstreamGate"/>
/// and with this instance's sessions attempt timeout (<see cref="SessionsCallTimeout"/>). Only the upstream's
/// refusal (400) or the age limit fails a playback; any other failure is tried again.
/// </summary>
public sealed partial class SessionStarter(
    IPlaybackStore store,
    IPlaybackCoordination coordination,
    MediaCollectionClient upstream,
    UpstreamGate gate,
    SessionsCallTimeout timeout,
    LeaseKeeper leases,
    ReplayGovernor governor,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<SessionStarter> logger)
{
    /// <param name="playbackKey">The playback.</param>
    /// <param name="playback">Its state, <c>starting</c>.</param>
    /// <param name="reserved">A sessions call slot the worker waited for on its behalf, if any (used or given back).</param>
    /// <param name="cancellationToken">The lease's work token.</param>
    public async Task<StageOutcome> RunAsync(string playbackKey, PlaybackSnapshot playback, UpstreamPass? reserved, CancellationToken cancellationToken)
    {
        var key = PlaybackKey.ForLog(playbackKey);
        if (playback.SessionStartJson is null || (playback.StartAcceptedAt is { } acceptedAt && timeProvider.GetUtcNow() - acceptedAt > options.Value.MaxEventAge))
        {
            if (reserved is { } unused)
            {
                gate.Abandon(unused);
            }

            if (playback.SessionStartJson is null)
            {
                return await FailAsync(playbackKey, "No sessionStart is stored for this playback.", "none", cancellationToken);
            }

            LogExpired(logger, key, options.Value.MaxEventAge);
            return await FailAsync(playbackKey, $"The sessionStart is older than MaxEventAge ({options.Value.MaxEventAge}); not sent.", "expired", cancellationToken);
        }

        // Never wait for a slot here, under the lease: the worker waits for one in memory (see NoSessionSlot).
        if ((reserved ?? await gate.EnterAsync(UpstreamCall.Sessions, wait: false, cancellationToken)) is not { } pass)
        {
            return gate.Health.IsAvailable ? StageOutcome.NoSessionSlot : StageOutcome.Parked;
        }

        // A reserved slot was taken when it came free, before this playback's turn: the latency the limiter learns
        // from is the upstream's, from the call on.
        var started = timeProvider.GetTimestamp();
        pass = pass with { Started = started };
        var body = playback.Resume ? MediaEventJson.WithResume(playback.SessionStartJson) : playback.SessionStartJson;
        var attemptTimeout = timeout.For(playback.SessionCallTimedOut);
        UpstreamResult result;
        // A probe waits only as long as the outage and a grace: then it is sent again (see ProbesOutlived).
        // Not a playback's second call after a timeout: that one may be answered late by a slow upstream, and
        // abandoning it too could make a third session.
        using var probe = pass.Permit == HealthPermit.Probe && !playback.SessionCallTimedOut
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, gate.Health.ProbesOutlived)
            : null;
        try
        {
            // A call likely to hang (a probe, or the upstream has been timing out) holds the lease once for its whole
            // timeout instead of renewing it every few seconds: hung calls then cost the store nothing.
            if (pass.Permit == HealthPermit.Probe || timeout.IsGrown(attemptTimeout))
            {
                await leases.HoldAsync(playbackKey, attemptTimeout);
            }

            result = await upstream.StartSessionAsync(body, attemptTimeout, probe?.Token ?? cancellationToken);
        }
        catch (OperationCanceledException) when (probe is not null && !cancellationToken.IsCancellationRequested)
        {
            gate.Abandon(pass);
            return await ProbeOutlivedAsync(playbackKey, cancellationToken);
        }
        catch (Exception)
        {
            // Cancelled (shutdown, lease lost) or a fault of our own: no answer to learn from, the slot goes back.
            gate.Abandon(pass);
            throw;
        }

        gate.Exit(pass, result);
        var elapsed = timeProvider.GetElapsedTime(started);
        metrics.SessionCallTook(elapsed, result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? (result.TimedOut ? "timeout" : "error"));
        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                timeout.Answered(elapsed);
                PlaybackTracing.SessionId(result.SessionId!);
                var recorded = await RecordSessionAsync(playbackKey, result.SessionId!, cancellationToken);
                metrics.SessionCreated();
                LogSessionCreated(logger, key, result.SessionId!, elapsed.TotalMilliseconds, recorded.Queued, recorded.State.ToWire());
                return recorded switch
                {
                    { State: PlaybackState.Replaying, Head: { } head } => StageOutcome.ReplayFrom(result.SessionId!, head),
                    { State: PlaybackState.Live } => StageOutcome.Done, // nothing to replay
                    _ => StageOutcome.Next,
                };

            case UpstreamOutcome.Rejected:
                LogSessionRefused(logger, key, result.Detail);
                return await FailAsync(playbackKey, $"Sessions call refused: {result.Detail}", result.StatusCode?.ToString(CultureInfo.InvariantCulture) ?? "error", cancellationToken);

            default:
                return await RetryAsync(playbackKey, result, attemptTimeout, cancellationToken);
        }
    }

    private async Task<StageOutcome> RetryAsync(string playbackKey, UpstreamResult result, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        var key = PlaybackKey.ForLog(playbackKey);
        if (result.TimedOut)
        {
            timeout.TimedOut();
            LogTimedOut(logger, key, attemptTimeout.TotalSeconds, options.Value.MaxEventAge);
        }
        else if (result.MayHaveReachedUpstream)
        {
            LogPossibleDuplicateSession(logger, key, result.Detail);
        }

        var kind = result.TimedOut ? PlaybackError.SessionsCallTimedOut : PlaybackError.Retry;
        var failures = await store.RecordErrorAsync(playbackKey, $"Sessions call failed: {result.Detail}", kind, cancellationToken);
        if (!gate.Health.IsAvailable)
        {
            return StageOutcome.Parked;
        }

        var delay = Backoff.FullJitter(failures, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay, result.RetryAfter);
        LogSessionCallFailed(logger, key, failures, result.Detail, delay.TotalSeconds);
        return StageOutcome.RetryAfter(delay);
    }

    /// <summary>
    /// The upstream came back, and a grace later this playback's probe (its first possible session) still waited on
    /// it. It may have made a session, so it is recorded as a timed-out call (the next one waits the longest: at most
    /// one more session), and sent again soon.
    /// </summary>
    private async Task<StageOutcome> ProbeOutlivedAsync(string playbackKey, CancellationToken cancellationToken)
    {
        await store.RecordErrorAsync(playbackKey, "Sessions call abandoned: sent while the upstream was down, unanswered once it was back",
            PlaybackError.SessionsCallTimedOut, cancellationToken);
        var delay = Backoff.FullJitter(1, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay);
        LogProbeOutlived(logger, PlaybackKey.ForLog(playbackKey), delay.TotalSeconds);
        return StageOutcome.RetryAfter(delay);
    }

    private async Task<StageOutcome> FailAsync(string playbackKey, string reason, string status, CancellationToken cancellationToken)
    {
        // Listed before it is marked failed: a crash in between leaves a listed playback that is not failed
        // (ignored by the listing), never a failed one that nobody can find.
        await coordination.MarkFailedAsync(playbackKey, cancellationToken);
        await store.RecordErrorAsync(playbackKey, reason, PlaybackError.Failed, cancellationToken);
        metrics.SessionFailed(status);
        return StageOutcome.Done;
    }

    /// <summary>
    /// Stores the new session id, retrying a failed write a few times: the upstream session exists now, and
    /// giving up here would mean another sessions call later, i.e. a duplicate session upstream. It is the replay's
    /// first store command, so it takes a <see cref="ReplayGovernor"/> recording slot: a thousand sessions answered
    /// at once would otherwise queue a thousand scripts on the store's connection ahead of the posts.
    /// </summary>
    private async Task<SessionRecorded> RecordSessionAsync(string playbackKey, string sessionId, CancellationToken cancellationToken)
    {
        await governor.EnterRecordingAsync(cancellationToken);
        try
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
        finally
        {
            governor.ExitRecording();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: its probe was still unanswered a while after the upstream came back; sent again in {DelaySeconds:F1} s")]
    private static partial void LogProbeOutlived(ILogger logger, string playbackKey, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: upstream session {SessionId} created in {ElapsedMs:F0} ms; {Queued} event(s) to replay, now {State}")]
    private static partial void LogSessionCreated(ILogger logger, string playbackKey, string sessionId, double elapsedMs, long queued, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: storing session id {SessionId} failed (attempt {Attempt}): {Reason}; trying again")]
    private static partial void LogRecordSessionFailed(ILogger logger, string playbackKey, string sessionId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: the upstream refused the sessionStart ({Reason}); playback failed")]
    private static partial void LogSessionRefused(ILogger logger, string playbackKey, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: its sessionStart is older than MaxEventAge ({MaxAge}); playback failed without a sessions call")]
    private static partial void LogExpired(ILogger logger, string playbackKey, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: sessions call failed {Failures} time(s) in a row ({Reason}); trying again in {DelaySeconds:F1} s")]
    private static partial void LogSessionCallFailed(ILogger logger, string playbackKey, int failures, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: the sessions call timed out after {TimeoutSeconds:F0} s and may still create a session upstream (a possible duplicate); its next try waits longer (events kept up to {MaxAge})")]
    private static partial void LogTimedOut(ILogger logger, string playbackKey, double timeoutSeconds, TimeSpan maxAge);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: the failed sessions call may have reached the upstream ({Reason}); the next try may create a duplicate session")]
    private static partial void LogPossibleDuplicateSession(ILogger logger, string playbackKey, string reason);
}
