using System.Net;
using System.Net.Http.Headers;

namespace MediaProxy.Core.Upstream;

/// <summary>What the proxy does next, read off the upstream's answer (the status table of the API).</summary>
public enum UpstreamOutcome
{
    /// <summary>201 for a session, 204 for an event.</summary>
    Accepted,

    /// <summary>400 and other client errors: resending the same body cannot help; dead-letter it.</summary>
    Rejected,

    /// <summary>404 or 410 for an event: the session is gone; start a new one with media.resume.</summary>
    SessionGone,

    /// <summary>429, 5xx, timeouts, connection errors: try again later.</summary>
    Retryable,

    /// <summary>
    /// Not sent at all: the upstream is taken as down, or no call slot was free. A local refusal, never counted
    /// against the event or the playback.
    /// </summary>
    NotSent,
}

/// <summary>What an answer says about the upstream as a whole (for the outage detector and the concurrency limits).</summary>
public enum UpstreamSignal
{
    /// <summary>It answered, whatever it answered (2xx, 400, 404…): it is up.</summary>
    Answered,

    /// <summary>429: up, but asking for less.</summary>
    Overloaded,

    /// <summary>5xx, a timeout, a refused connection: failing.</summary>
    Failing,

    /// <summary>Nothing learnt (not sent, or the caller gave up).</summary>
    None,
}

public sealed record UpstreamResult(UpstreamOutcome Outcome, int? StatusCode, string? SessionId, string Detail)
{
    /// <summary>
    /// The call failed in a way that does not prove the upstream did nothing (a timeout, a 500/502/504): for the
    /// sessions call, trying again may create a duplicate session.
    /// </summary>
    public bool MayHaveReachedUpstream { get; init; }

    /// <summary>The attempt ran out of time (as opposed to an answer or a refused connection).</summary>
    public bool TimedOut { get; init; }

    /// <summary>The upstream's <c>Retry-After</c> (429, 503), capped; null when it sent none.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public UpstreamSignal Signal => Outcome switch
    {
        UpstreamOutcome.NotSent => UpstreamSignal.None,
        UpstreamOutcome.Retryable when StatusCode == 429 => UpstreamSignal.Overloaded,
        UpstreamOutcome.Retryable => UpstreamSignal.Failing,
        _ => UpstreamSignal.Answered,
    };

    public static UpstreamResult NotSent(string reason) => new(UpstreamOutcome.NotSent, null, null, reason);

    public static UpstreamResult FromStatus(HttpStatusCode status, string? body, bool forEvent, TimeSpan? retryAfter)
    {
        var code = (int)status;
        var detail = string.IsNullOrEmpty(body) ? $"HTTP {code}" : $"HTTP {code}: {Truncate(body)}";
        var outcome = code switch
        {
            >= 200 and < 300 => UpstreamOutcome.Accepted,
            404 or 410 when forEvent => UpstreamOutcome.SessionGone,
            408 or 429 or >= 500 => UpstreamOutcome.Retryable,
            _ => UpstreamOutcome.Rejected,
        };
        return new UpstreamResult(outcome, code, null, detail)
        {
            MayHaveReachedUpstream = code is >= 500 and not 503,
            RetryAfter = outcome == UpstreamOutcome.Retryable ? retryAfter : null,
        };
    }

    public static UpstreamResult Failed(Exception exception, bool timedOut) =>
        new(UpstreamOutcome.Retryable, null, null, $"{exception.GetType().Name}: {Truncate(exception.Message)}")
        {
            TimedOut = timedOut,
            MayHaveReachedUpstream = exception is not HttpRequestException
            {
                HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError,
            },
        };

    /// <summary>A <c>Retry-After</c> (seconds or an HTTP date) as a delay, capped at <paramref name="cap"/>; null when absent.</summary>
    public static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? header, TimeSpan cap, DateTimeOffset now)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return delay is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, cap.Ticks)) : null;
    }

    private static string Truncate(string value) => value.Length <= 300 ? value : value[..300] + "…";
}
