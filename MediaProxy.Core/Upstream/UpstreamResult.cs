using System.Net;
using Polly.CircuitBreaker;

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

    /// <summary>429, 5xx, timeouts, connection errors, an open circuit: try again later.</summary>
    Retryable,
}

public sealed record UpstreamResult(UpstreamOutcome Outcome, int? StatusCode, string? SessionId, string Detail)
{
    /// <summary>
    /// The call failed in a way that does not prove the upstream did nothing (a timeout, a 500/502/504): for the
    /// sessions call, trying again may create a duplicate session.
    /// </summary>
    public bool MayHaveReachedUpstream { get; init; }

    public static UpstreamResult FromStatus(HttpStatusCode status, string? body, bool forEvent)
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
        return new UpstreamResult(outcome, code, null, detail) { MayHaveReachedUpstream = code is >= 500 and not 503 };
    }

    public static UpstreamResult Failed(Exception exception) =>
        new(UpstreamOutcome.Retryable, null, null, $"{exception.GetType().Name}: {Truncate(exception.Message)}")
        {
            MayHaveReachedUpstream = exception is not (BrokenCircuitException
                or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }),
        };

    private static string Truncate(string value) => value.Length <= 300 ? value : value[..300] + "…";
}
