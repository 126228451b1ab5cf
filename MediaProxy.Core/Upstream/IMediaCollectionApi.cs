using Refit;

namespace MediaProxy.Core.Upstream;

// Refit generates these clients at build time (AddRefitGeneratedClient: no reflection).
// Two interfaces, two HttpClients, two resilience pipelines: the sessions call is not idempotent upstream (a
// blind retry can create a second session), event posts are; each gets the retry policy that is safe for it.

/// <summary>Start a session: 201 with the session id in <c>Location</c>.</summary>
public interface IMediaSessionsApi
{
    [Post("/api/v1/sessions")]
    Task<IApiResponse> StartSessionAsync([Body] HttpContent body, CancellationToken cancellationToken);
}

/// <summary>Send one event of a session: 204.</summary>
public interface IMediaEventsApi
{
    [Post("/api/v1/sessions/{sessionId}/events")]
    Task<IApiResponse> SendEventAsync(string sessionId, [Body] HttpContent body, CancellationToken cancellationToken);
}
