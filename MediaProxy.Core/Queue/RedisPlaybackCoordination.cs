using System.Globalization;
using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// <see cref="IPlaybackCoordination"/> on Redis. The lease is <c>mp:{key}:lease</c> (<c>SET NX PX</c> with the
/// owner's token; renew and release compare the token in Lua). The pending and failed indexes are sharded over
/// <see cref="RedisKeys.PendingShards"/> sorted sets each, every one its own hash tag, so they spread over a cluster
/// and every command touches one slot; pending scores are due times in epoch ms.
/// </summary>
public sealed class RedisPlaybackCoordination(IConnectionMultiplexer redis, IOptions<PlaybackOptions> options, TimeProvider timeProvider) : IPlaybackCoordination
{
    private readonly TimeSpan _indexTtl = options.Value.Ttl;

    private IDatabase Db => redis.GetDatabase();

    public Task<bool> TryAcquireLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Db.StringSetAsync(RedisKeys.Lease(playbackKey), owner, ttl, When.NotExists);
    }

    public async Task<bool> RenewLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var renewed = await CoordinationScripts.Renew.EvaluateAsync(Db, [RedisKeys.Lease(playbackKey)], [owner, (long)ttl.TotalMilliseconds]);
        return (long)renewed == 1;
    }

    public Task ReleaseLeaseAsync(string playbackKey, string owner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CoordinationScripts.Release.EvaluateAsync(Db, [RedisKeys.Lease(playbackKey)], [owner]);
    }

    public async Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var score = dueAt.ToUnixTimeMilliseconds();
        var index = RedisKeys.PendingIndex(Shard(playbackKey));
        var batch = Db.CreateBatch();
        var add = batch.SortedSetAddAsync(index, playbackKey, score);
        var expire = batch.KeyExpireAsync(index, _indexTtl);
        batch.Execute();
        await Task.WhenAll(add, expire);
        return score;
    }

    public async Task<long?> DeferPendingAsync(string playbackKey, long score, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var next = dueAt.ToUnixTimeMilliseconds();
        var moved = (long)await CoordinationScripts.DeferIfUnchanged.EvaluateAsync(Db, [RedisKeys.PendingIndex(Shard(playbackKey))], [playbackKey, score, next]);
        return moved == 1 ? next : null;
    }

    public Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return CoordinationScripts.ClearIfUnchanged.EvaluateAsync(Db, [RedisKeys.PendingIndex(Shard(playbackKey))], [playbackKey, score]);
    }

    public async Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var due = now.ToUnixTimeMilliseconds();
        var shards = await Task.WhenAll(Enumerable.Range(0, RedisKeys.PendingShards).Select(shard =>
            Db.SortedSetRangeByScoreWithScoresAsync(RedisKeys.PendingIndex(shard), double.NegativeInfinity, due, take: max)));
        return [.. shards.SelectMany(entries => entries).OrderBy(e => e.Score).Take(max).Select(e => (string)e.Element!)];
    }

    public async Task<long> CountAsync(bool failed, CancellationToken cancellationToken) => (await ShardSizesAsync(failed, cancellationToken)).Sum();

    public async Task<IReadOnlyList<string>> SamplePendingAsync(int size, CancellationToken cancellationToken)
    {
        var sizes = await ShardSizesAsync(failed: false, cancellationToken);
        var total = sizes.Sum();
        if (total == 0)
        {
            return [];
        }

        var draws = await Task.WhenAll(sizes.Select((count, shard) => count == 0
            ? Task.FromResult(Array.Empty<RedisValue>())
            : Db.SortedSetRandomMembersAsync(RedisKeys.PendingIndex(shard), (long)Math.Ceiling((double)size * count / total))));
        return [.. draws.SelectMany(d => d).Select(k => (string)k!)];
    }

    public async Task MarkFailedAsync(string playbackKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var index = RedisKeys.FailedIndex(Shard(playbackKey));
        var batch = Db.CreateBatch();
        var add = batch.SortedSetAddAsync(index, playbackKey, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var expire = batch.KeyExpireAsync(index, _indexTtl);
        batch.Execute();
        await Task.WhenAll(add, expire);
    }

    public Task ClearFailedAsync(string playbackKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Db.SortedSetRemoveAsync(RedisKeys.FailedIndex(Shard(playbackKey)), playbackKey);
    }

    public async Task<PlaybackPage> ListAsync(bool failed, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var (shard, offset) = ParseCursor(cursor);
        var keys = new List<string>(limit);
        while (shard < RedisKeys.PendingShards && keys.Count < limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var index = failed ? RedisKeys.FailedIndex(shard) : RedisKeys.PendingIndex(shard);
            var wanted = limit - keys.Count;
            var page = await Db.SortedSetRangeByRankAsync(index, offset, offset + wanted - 1);
            keys.AddRange(page.Select(k => (string)k!));
            (shard, offset) = page.Length < wanted ? (shard + 1, 0) : (shard, offset + page.Length);
        }

        return new PlaybackPage(keys, shard < RedisKeys.PendingShards ? string.Create(CultureInfo.InvariantCulture, $"{shard}.{offset}") : null);
    }

    private async Task<long[]> ShardSizesAsync(bool failed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Task.WhenAll(Enumerable.Range(0, RedisKeys.PendingShards).Select(shard =>
            Db.SortedSetLengthAsync(failed ? RedisKeys.FailedIndex(shard) : RedisKeys.PendingIndex(shard))));
    }

    /// <summary>A stable shard of the indexes for a playback key.</summary>
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

    private static (int Shard, long Offset) ParseCursor(string? cursor)
    {
        var parts = cursor?.Split('.');
        return parts is [var shard, var offset]
            && int.TryParse(shard, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 0 and < RedisKeys.PendingShards
            && long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var o)
            ? (s, o)
            : (0, 0);
    }
}
