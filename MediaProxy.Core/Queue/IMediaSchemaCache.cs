namespace MediaProxy.Core.Queue;

/// <summary>
/// The schemas last fetched from an upstream, kept in the store so every instance (and a restart while the upstream
/// is unreachable) starts from them rather than from the shipped copy. Keyed by the upstream's base URL: two
/// upstreams may serve different rules.
/// </summary>
public interface IMediaSchemaCache
{
    /// <summary>The cached schema documents by event type, and when they were fetched; empty when nothing is cached.</summary>
    Task<CachedSchemas> GetAsync(string upstream, CancellationToken cancellationToken);

    /// <summary>Stores freshly fetched documents (event type → schema JSON) with their fetch time; others are kept.</summary>
    Task SetAsync(string upstream, IReadOnlyDictionary<string, string> documents, DateTimeOffset fetchedAt, CancellationToken cancellationToken);
}

/// <summary>Cached schema documents by event type, with the time each was fetched.</summary>
public sealed record CachedSchemas(IReadOnlyDictionary<string, (string Document, DateTimeOffset FetchedAt)> Documents)
{
    public static CachedSchemas None { get; } = new(new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal));
}
