using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using Refit;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// The two Media Collection calls, answered as <see cref="UpstreamResult"/>s: one HTTP attempt each, bounded by the
/// pipeline's attempt timeout (<see cref="UpstreamServiceCollectionExtensions"/>). Retries, outage detection and
/// concurrency are the callers' (<see cref="UpstreamGate"/>); this class only reads the answer. Cancellation of the
/// caller's token propagates as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class MediaCollectionClient(
    IMediaSessionsApi sessions,
    IMediaEventsApi events,
    IOptions<UpstreamOptions> options,
    TimeProvider timeProvider,
    ILogger<MediaCollectionClient> logger)
{
    public async Task<UpstreamResult> StartSessionAsync(string sessionStartJson, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        IApiResponse response;
        try
        {
            using var content = Json(sessionStartJson);
            response = await sessions.StartSessionAsync(content, attemptTimeout, cancellationToken);
        }
        catch (Exception ex) when (IsCallFailure(ex, cancellationToken))
        {
            return Failed("sessions", ex);
        }

        using (response)
        {
            if (Classify(response, "sessions", forEvent: false, cancellationToken) is { } failure)
            {
                return failure;
            }

            // The id is the last path segment of Location: /api/v1/sessions/{sessionId}.
            var sessionId = response.Headers?.Location?.OriginalString.TrimEnd('/').Split('/')[^1];
            return string.IsNullOrEmpty(sessionId)
                ? new UpstreamResult(UpstreamOutcome.Rejected, 201, null, "Sessions call answered without a Location header.")
                : new UpstreamResult(UpstreamOutcome.Accepted, 201, Uri.UnescapeDataString(sessionId), "HTTP 201");
        }
    }

    public async Task<UpstreamResult> SendEventAsync(string sessionId, string eventJson, CancellationToken cancellationToken)
    {
        IApiResponse response;
        try
        {
            using var content = Json(eventJson);
            response = await events.SendEventAsync(sessionId, content, cancellationToken);
        }
        catch (Exception ex) when (IsCallFailure(ex, cancellationToken))
        {
            return Failed("events", ex);
        }

        using (response)
        {
            return Classify(response, "events", forEvent: true, cancellationToken)
                ?? new UpstreamResult(UpstreamOutcome.Accepted, (int)response.StatusCode!.Value, null, $"HTTP {(int)response.StatusCode!.Value}");
        }
    }

    /// <summary>Null for the expected success (201 for sessions, 2xx for events), otherwise the failure.</summary>
    private UpstreamResult? Classify(IApiResponse response, string call, bool forEvent, CancellationToken cancellationToken)
    {
        // Refit reports transport failures (connection, the pipeline's timeout) on the response.
        if (response.HasRequestError(out var requestError))
        {
            var cause = requestError.InnerException ?? requestError;
            if (cause is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cause.Message, cause, cancellationToken);
            }

            return Failed(call, cause);
        }

        if (response.StatusCode is not { } status)
        {
            return Failed(call, new HttpRequestException("No response was received."));
        }

        if (forEvent ? response.IsSuccessStatusCode : status == HttpStatusCode.Created)
        {
            return null;
        }

        var body = response.HasResponseError(out var apiError) ? apiError.Content : null;
        return UpstreamResult.FromStatus(status, body, forEvent, RetryAfter(response));
    }

    private TimeSpan? RetryAfter(IApiResponse response) =>
        UpstreamResult.ParseRetryAfter(response.Headers?.RetryAfter, options.Value.MaxRetryAfter, timeProvider.GetUtcNow());

    private UpstreamResult Failed(string call, Exception ex)
    {
        LogCallFailed(logger, call, ex.GetType().Name, ex.Message);
        return UpstreamResult.Failed(ex, timedOut: ex is TimeoutRejectedException);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    // Connection errors and the pipeline's timeouts are failures of the call; the caller's own cancellation
    // (shutdown, a post's deadline) is not, and propagates.
    private static bool IsCallFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Upstream {Call} call failed: {ExceptionType}: {Reason}")]
    private static partial void LogCallFailed(ILogger logger, string call, string exceptionType, string reason);
}
