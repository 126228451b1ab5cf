using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// <see cref="IPlaybackCoordination"/> on Redis. The lease is <c>mp:{key}:lease</c> (<c>SET NX PX</c> with the
/// owner's token; renew and release compare the token in Lua). The pending index is sharded over
/// <see cref="RedisKeys.PendingShards"/> sorted sets, each its own hash tag, so it spreads over a cluster and every
/// command touches one slot; scores are due times in epoch ms.
/// </summary>
public sealed class RedisPlaybackCoordination(IConnectionMultiplexer redis, IOptions<PlaybackOptions> options) : IPlaybackCoordination
{
    private const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private const string ClearIfUnchanged = """
        if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 0
        """;

    private readonly long _indexTtlSeconds = (long)Math.Ceiling(options.Value.Ttl.TotalSeconds);

    private IDatabase Db => redis.GetDatabase();

    public Task<bool> TryAcquireLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Db.StringSetAsync(RedisKeys.Lease(playbackKey), owner, ttl, When.NotExists);
    }

    public async Task<bool> RenewLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var renewed = await Db.ScriptEvaluateAsync(Renew, [RedisKeys.Lease(playbackKey)], [owner, (long)ttl.TotalMilliseconds]);
        return (long)renewed == 1;
    }

    public Task ReleaseLeaseAsync(string playbackKey, string owner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Db.ScriptEvaluateAsync(Release, [RedisKeys.Lease(playbackKey)], [owner]);
    }

    public async Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var score = dueAt.ToUnixTimeMilliseconds();
        var index = RedisKeys.PendingIndex(Shard(playbackKey));
        var batch = Db.CreateBatch();
        var add = batch.SortedSetAddAsync(index, playbackKey, score);
        var expire = batch.KeyExpireAsync(index, TimeSpan.FromSeconds(_indexTtlSeconds));
        batch.Execute();
        await Task.WhenAll(add, expire);
        return score;
    }

    public Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Db.ScriptEvaluateAsync(ClearIfUnchanged, [RedisKeys.PendingIndex(Shard(playbackKey))], [playbackKey, score]);
    }

    public async Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var due = now.ToUnixTimeMilliseconds();
        var perShard = Math.Max(1, max / RedisKeys.PendingShards);
        var shards = await Task.WhenAll(Enumerable.Range(0, RedisKeys.PendingShards).Select(shard =>
            Db.SortedSetRangeByScoreAsync(RedisKeys.PendingIndex(shard), double.NegativeInfinity, due, take: perShard)));
        return [.. shards.SelectMany(keys => keys).Select(k => (string)k!)];
    }

    /// <summary>A stable shard of the pending index for a playback key.</summary>
    internal static int Shard(string playbackKey)
    {
        // FNV-1a: stable across processes and versions (string.GetHashCode is randomised per process).
        var hash = 2166136261u;
        foreach (var c in playbackKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % RedisKeys.PendingShards);
    }
}
