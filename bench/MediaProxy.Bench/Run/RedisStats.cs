using System.Globalization;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace MediaProxy.Bench.Run;

/// <summary>The run's own view of the Redis under test: command counts, memory, flushing between phases.</summary>
internal sealed class RedisStats(IConnectionMultiplexer redis)
{
    /// <summary>
    /// Commands our Lua scripts call (<c>RedisScripts</c>, <c>RedisPlaybackCoordination</c>). Redis counts each of
    /// them in <c>INFO commandstats</c> even when called inside a script; a client round trip is every other
    /// command (EVALSHA counts once). SET, GET, EXPIRE and DEL are also sent directly by the proxy's background
    /// work (leases, the pending index); that work is measured while idle and subtracted.
    /// Read from the scripts' source (every <c>redis.call('X'</c>), so a script that starts calling a new command
    /// cannot make it count as a round trip; the fixed list is the fallback when the source is not at hand.
    /// </summary>
    public static readonly IReadOnlySet<string> ScriptInternal = ReadScriptCommands() ?? new HashSet<string>(StringComparer.Ordinal)
    {
        "hget", "hmget", "get", "hexists", "llen", "hset", "rpush", "set", "expire", "lindex", "lpop", "hdel", "hincrby",
        "exists", "hgetall", "pexpire", "del", "zscore", "zrem",
    };

    private static HashSet<string>? ReadScriptCommands()
    {
        var folder = Path.Combine(Directory.GetCurrentDirectory(), "MediaProxy.Core", "Queue");
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var commands = Directory.EnumerateFiles(folder, "*.cs")
            .SelectMany(file => Regex.Matches(File.ReadAllText(file), @"redis\.call\('(\w+)'"))
            .Select(match => match.Groups[1].Value.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
        return commands.Count > 0 ? commands : null;
    }

    private IServer Server => redis.GetServers().Single();

    public Task ResetAsync() => Server.ConfigResetStatisticsAsync();

    public Task FlushAsync() => Server.FlushAllDatabasesAsync();

    /// <summary>Calls per command since the last reset (the INFO that reads them is left out).</summary>
    public async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in await Server.InfoAsync("commandstats"))
        {
            foreach (var (key, value) in group)
            {
                var name = key.Replace("cmdstat_", "", StringComparison.Ordinal);
                var count = long.Parse(value.Split(',')[0].Split('=')[1], CultureInfo.InvariantCulture);
                calls[name] = count - (name is "info" ? 1 : 0);
            }
        }

        calls.Remove("config|resetstat");
        return calls;
    }

    public async Task<long> UsedMemoryAsync() => Field(await Server.InfoAsync("memory"), "used_memory");

    public async Task<string> VersionAsync() =>
        (await Server.InfoAsync("server")).SelectMany(g => g).First(p => p.Key == "redis_version").Value;

    /// <summary>MEMORY USAGE with every element counted (SAMPLES 0), and the bytes of the JSON it holds.</summary>
    public async Task<(long Memory, long JsonBytes, long Events)> ListUsageAsync(RedisKey key)
    {
        var db = redis.GetDatabase();
        var memory = (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        var items = await db.ListRangeAsync(key);
        return (memory, items.Sum(i => (long)((byte[])i!).Length), items.Length);
    }

    public async Task<long> KeyMemoryAsync(RedisKey key)
    {
        var result = await redis.GetDatabase().ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
        return result.IsNull ? 0 : (long)result;
    }

    /// <summary>MEMORY USAGE (SAMPLES 0) of the pending index's shards together, and how many playbacks they hold.</summary>
    public async Task<(long Bytes, long Members)> PendingIndexAsync()
    {
        var db = redis.GetDatabase();
        long bytes = 0, members = 0;
        for (var shard = 0; shard < 16; shard++)
        {
            RedisKey key = $"mp:{{pending-{shard:D2}}}:idx";
            bytes += await KeyMemoryAsync(key);
            members += await db.SortedSetLengthAsync(key);
        }

        return (bytes, members);
    }

    private static long Field(IGrouping<string, KeyValuePair<string, string>>[] info, string name) =>
        long.Parse(info.SelectMany(g => g).First(p => p.Key == name).Value, CultureInfo.InvariantCulture);
}
