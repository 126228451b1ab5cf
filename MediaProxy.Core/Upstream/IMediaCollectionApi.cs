using Refit;

namespace MediaProxy.Core.Upstream;

// Refit generates these clients at build time (AddRefitGeneratedClient: no reflection).
// Two interfaces, two HttpClients, two pipelines: the sessions call is not idempotent upstream and its attempt
// timeout changes with the upstream's latency (see SessionsCallTimeout), event posts are idempotent enough.

/// <summary>Start a session: 201 with the session id in <c>Location</c>.</summary>
public interface IMediaSessionsApi
{
    /// <summary>The request option carrying this attempt's timeout to the resilience pipeline.</summary>
    public const string AttemptTimeoutOption = "mediaproxy.attemptTimeout";

    [Post("/api/v1/sessions")]
    Task<IApiResponse> StartSessionAsync([Body] HttpContent body, [Property(AttemptTimeoutOption)] TimeSpan attemptTimeout, CancellationToken cancellationToken);
}

/// <summary>Send one event of a session: 204.</summary>
public interface IMediaEventsApi
{
    [Post("/api/v1/sessions/{sessionId}/events")]
    Task<IApiResponse> SendEventAsync(string sessionId, [Body] HttpContent body, CancellationToken cancellationToken);
}
