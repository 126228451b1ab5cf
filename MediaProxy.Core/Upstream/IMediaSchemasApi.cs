using Refit;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// Adobe's JSON Schema of one event type, "the absolute authority for determining the correct request body
/// parameters" (mc-api-validate-reqs.md). Read at start-up and periodically by the schema refresher.
/// </summary>
public interface IMediaSchemasApi
{
    [Get("/api/v1/schemas/{eventType}")]
    Task<IApiResponse<string>> GetSchemaAsync(string eventType, CancellationToken cancellationToken);
}
