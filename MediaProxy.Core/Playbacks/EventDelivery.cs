using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Sends one event upstream, for the replay and for a direct forward alike: through the <see cref="UpstreamGate"/>
/// (outage state, concurrency), counted and logged the same way whichever path it took. The store bookkeeping
/// differs per path and stays with the caller.
/// </summary>
public sealed partial class EventDelivery(MediaCollectionClient upstream, UpstreamGate gate, PlaybackMetrics metrics, ILogger<EventDelivery> logger)
{
    /// <summary>
    /// Sends the event: waiting for a concurrency slot (<paramref name="waitForSlot"/>, a replay) or taking one only
    /// if free (a direct forward). Returns the upstream's answer, or <see cref="UpstreamOutcome.NotSent"/> when it
    /// was not called.
    /// </summary>
    public async Task<UpstreamResult> SendAsync(QueuedDelivery delivery, DeliveryPath path, bool waitForSlot, CancellationToken cancellationToken)
    {
        if (await gate.EnterAsync(UpstreamCall.Events, waitForSlot, cancellationToken) is not { } pass)
        {
            return UpstreamResult.NotSent(gate.Health.IsAvailable ? "No upstream call slot was free." : "The upstream is down.");
        }

        UpstreamResult result;
        try
        {
            result = await upstream.SendEventAsync(delivery.SessionId, delivery.Json, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            gate.Abandon(pass);
            throw;
        }

        gate.Exit(pass, result);
        switch (result.Outcome)
        {
            case UpstreamOutcome.Accepted:
                metrics.Forwarded(delivery.EventType, 1, path, delivery.AcceptedAt);
                break;
            case UpstreamOutcome.Rejected:
                LogRefused(logger, PlaybackKey.ForLog(delivery.PlaybackKey), delivery.EventType, result.Detail);
                metrics.DeadLettered("rejected", delivery.EventType);
                break;
            case UpstreamOutcome.Retryable:
                LogFailed(logger, PlaybackKey.ForLog(delivery.PlaybackKey), delivery.EventType, result.Detail);
                break;
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: upstream refused a {EventType} event ({Reason}); moved to dead letters")]
    private static partial void LogRefused(ILogger logger, string playbackKey, string eventType, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Playback {PlaybackKey}: sending a {EventType} event failed ({Reason}); it stays queued")]
    private static partial void LogFailed(ILogger logger, string playbackKey, string eventType, string reason);
}

/// <summary>One event on its way upstream: whose, where to, what, and when it was accepted (for the delivery lag).</summary>
public readonly record struct QueuedDelivery(string PlaybackKey, string SessionId, string EventType, string Json, DateTimeOffset? AcceptedAt);
