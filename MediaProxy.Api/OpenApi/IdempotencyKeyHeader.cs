namespace MediaProxy.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the endpoint takes an optional <c>Idempotency-Key</c> header (documented in OpenAPI by
/// <see cref="RequestExamplesOperationFilter"/>).
/// </summary>
public sealed record IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Set to "true" on the answer to a repeated key.</summary>
    public const string ReplayedName = "Idempotent-Replayed";
}
