namespace MediaProxy.Core.Queue;

/// <summary>The compare-and-set scripts of <see cref="RedisPlaybackCoordination"/>, each on one key.</summary>
internal static class CoordinationScripts
{
    /// <summary>KEYS: lease. ARGV: owner, ttl ms. Extends the lease only while it is still the owner's.</summary>
    public const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    /// <summary>KEYS: lease. ARGV: owner. Deletes the lease only while it is still the owner's.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>KEYS: pending index shard. ARGV: playback key, expected score.</summary>
    public const string ClearIfUnchanged = """
        if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 0
        """;

    /// <summary>KEYS: pending index shard. ARGV: playback key, expected score, new score. Returns 1 when moved.</summary>
    public const string DeferIfUnchanged = """
        if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
          return 1
        end
        return 0
        """;
}
