using System.Collections.Concurrent;
using MediaProxy.Core.Media;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Queue;

/// <summary><see cref="IMediaSchemaCache"/> for the embedded mode without Redis: the process's memory, with the same TTL.</summary>
public sealed class InMemoryMediaSchemaCache(IOptions<MediaSchemaOptions> options, TimeProvider timeProvider) : IMediaSchemaCache
{
    private readonly ConcurrentDictionary<string, Entry> _byUpstream = new(StringComparer.Ordinal);

    public Task<CachedSchemas> GetAsync(string upstream, CancellationToken cancellationToken) =>
        Task.FromResult(_byUpstream.TryGetValue(upstream, out var entry) && entry.ExpiresAt > timeProvider.GetUtcNow()
            ? new CachedSchemas(entry.Documents)
            : CachedSchemas.None);

    public Task SetAsync(string upstream, IReadOnlyDictionary<string, string> documents, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var expiresAt = timeProvider.GetUtcNow() + options.Value.CacheTtl;
        _byUpstream.AddOrUpdate(upstream,
            _ => new Entry(documents.ToDictionary(d => d.Key, d => (d.Value, fetchedAt), StringComparer.Ordinal), expiresAt),
            (_, kept) =>
            {
                var merged = kept.ExpiresAt > timeProvider.GetUtcNow()
                    ? new Dictionary<string, (string, DateTimeOffset)>(kept.Documents, StringComparer.Ordinal)
                    : new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
                foreach (var (eventType, document) in documents)
                {
                    merged[eventType] = (document, fetchedAt);
                }

                return new Entry(merged, expiresAt);
            });
        return Task.CompletedTask;
    }

    private sealed record Entry(IReadOnlyDictionary<string, (string Document, DateTimeOffset FetchedAt)> Documents, DateTimeOffset ExpiresAt);
}
