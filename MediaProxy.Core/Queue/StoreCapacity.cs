using System.ComponentModel.DataAnnotations;
using System.Globalization;
using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>The memory guard's setting. Bound from <c>MediaProxy:StoreGuard</c>.</summary>
public sealed class StoreGuardOptions
{
    public const string SectionName = "MediaProxy:StoreGuard";

    /// <summary>Share of Redis's <c>maxmemory</c> past which new playbacks are refused (503); existing ones go on.</summary>
    [Range(0.1, 1.0)]
    public double MaxMemoryFraction { get; set; } = 0.9;

    /// <summary>The limit to use when Redis has no <c>maxmemory</c> set (0: no guard then).</summary>
    [Range(0, long.MaxValue)]
    public long MaxMemoryBytes { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Whether the store has room for new playbacks; read on every post, so it is a plain flag.</summary>
public sealed class StoreCapacity
{
    private volatile bool _refuseNew;

    public bool RefuseNewPlaybacks => _refuseNew;

    internal void Set(bool refuseNew) => _refuseNew = refuseNew;
}

/// <summary>Reads Redis's <c>INFO memory</c> every <see cref="StoreGuardOptions.CheckInterval"/> and sets <see cref="StoreCapacity"/>.</summary>
public sealed partial class RedisMemoryGuard(
    IConnectionMultiplexer redis,
    StoreCapacity capacity,
    IOptions<StoreGuardOptions> options,
    TimeProvider timeProvider,
    ILogger<RedisMemoryGuard> logger) : PeriodicBackgroundService(options.Value.CheckInterval, timeProvider)
{
    private bool _failing;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => CheckAsync();

    private async Task CheckAsync()
    {
        try
        {
            // The fullest primary decides (on a cluster, one full shard is enough to fail new playbacks).
            var refuse = false;
            long used = 0, max = 0;
            foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                var memory = (await server.InfoAsync("memory")).SelectMany(group => group).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                var serverUsed = Field(memory, "used_memory");
                var serverMax = Field(memory, "maxmemory") is > 0 and var configured ? configured : options.Value.MaxMemoryBytes;
                if (serverMax > 0 && serverUsed >= serverMax * options.Value.MaxMemoryFraction)
                {
                    (refuse, used, max) = (true, serverUsed, serverMax);
                }
            }

            if (refuse != capacity.RefuseNewPlaybacks)
            {
                LogGuardChanged(logger, refuse, used, max);
            }

            capacity.Set(refuse);
            _failing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Redis unreachable or the reading failed: posts fail with 503 on their own; keep the last reading.
            // (A BackgroundService that throws would stop the whole host.)
            if (!_failing)
            {
                _failing = true;
                LogCheckFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    private static long Field(Dictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store memory guard: cannot read Redis memory ({ExceptionType}: {Reason}); keeping the last reading until it can")]
    private static partial void LogCheckFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store memory guard: refusing new playbacks = {Refuse} (used {Used} of {Max} bytes)")]
    private static partial void LogGuardChanged(ILogger logger, bool refuse, long used, long max);
}
