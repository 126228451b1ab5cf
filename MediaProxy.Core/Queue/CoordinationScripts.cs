namespace MediaProxy.Core.Queue;

/// <summary>The compare-and-set scripts of <see cref="RedisPlaybackCoordination"/>, each on one key, sent by SHA.</summary>
internal static class CoordinationScripts
{
    /// <summary>
    /// KEYS: lease. ARGV: owner, ttl ms. Extends the lease while it is the owner's, and takes it back if it expired
    /// with nobody else taking it (a starved process missed its renewals but still works the playback alone);
    /// 0 only when another owner holds it.
    /// </summary>
    public static readonly ShaScript Renew = """
        local current = redis.call('GET', KEYS[1])
        if current == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        if not current then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: lease. ARGV: owner. Deletes the lease only while it is still the owner's.</summary>
    public static readonly ShaScript Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>KEYS: pending index shard. ARGV: playback key, expected score.</summary>
    public static readonly ShaScript ClearIfUnchanged = """
        if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
          return redis.call('ZREM', KEYS[1], ARGV[1])
        end
        return 0
        """;

    /// <summary>KEYS: pending index shard. ARGV: playback key, expected score, new score. Returns 1 when moved.</summary>
    public static readonly ShaScript DeferIfUnchanged = """
        if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1])) == tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
          return 1
        end
        return 0
        """;
}
