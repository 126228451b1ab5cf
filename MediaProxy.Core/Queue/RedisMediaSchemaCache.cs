using System.Globalization;
using MediaProxy.Core.Media;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// <see cref="IMediaSchemaCache"/> on Redis: one hash per upstream (<see cref="RedisKeys.Schemas"/>), field = event
/// type, value = <c>fetchedAtMs|document</c>; written with its TTL in one script.
/// </summary>
public sealed class RedisMediaSchemaCache(IConnectionMultiplexer redis, IOptions<MediaSchemaOptions> options) : IMediaSchemaCache
{
    /// <summary>KEYS: the schemas hash. ARGV: ttl in seconds, then (event type, entry) pairs.</summary>
    private static readonly ShaScript Store = """
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        redis.call('EXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    public async Task<CachedSchemas> GetAsync(string upstream, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await redis.GetDatabase().HashGetAllAsync(RedisKeys.Schemas(upstream));
        var documents = new Dictionary<string, (string, DateTimeOffset)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var value = (string)entry.Value!;
            var bar = value.IndexOf('|', StringComparison.Ordinal);
            if (bar > 0 && long.TryParse(value.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                documents[(string)entry.Name!] = (value[(bar + 1)..], DateTimeOffset.FromUnixTimeMilliseconds(ms));
            }
        }

        return new CachedSchemas(documents);
    }

    public async Task SetAsync(string upstream, IReadOnlyDictionary<string, string> documents, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        cancellationToken.ThrowIfCancellationRequested();
        if (documents.Count == 0)
        {
            return;
        }

        var args = new List<RedisValue> { (long)Math.Ceiling(options.Value.CacheTtl.TotalSeconds) };
        var stamp = fetchedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        foreach (var (eventType, document) in documents)
        {
            args.Add(eventType);
            args.Add($"{stamp}|{document}");
        }

        await Store.EvaluateAsync(redis.GetDatabase(), [RedisKeys.Schemas(upstream)], [.. args]);
    }
}
