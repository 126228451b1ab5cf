using System.Globalization;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>
/// Every <see cref="StoreGuardOptions.CheckInterval"/>, reads how full the store is and hands it to
/// <see cref="StoreCapacity"/>: on Redis its <c>INFO memory</c> (<c>used_memory</c> against <c>maxmemory</c>, or
/// <see cref="StoreGuardOptions.MaxMemoryBytes"/> when it sets none); on the embedded Garnet its log in memory and
/// the objects it holds against its own memory (past it, records spill to disk, where they are slow to read back).
/// Also the playbacks with work pending, for their cap.
/// </summary>
public sealed partial class StoreMemoryGuard(
    IConnectionMultiplexer redis,
    IPlaybackCoordination coordination,
    StoreCapacity capacity,
    StoreSettings store,
    IOptions<StoreGuardOptions> options,
    TimeProvider timeProvider,
    ILogger<StoreMemoryGuard> logger) : PeriodicBackgroundService(options.Value.CheckInterval, timeProvider)
{
    private StoreRoom _lastRoom = StoreRoom.Open;
    private bool _failing;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            var (used, budget) = store.IsEmbedded ? await GarnetAsync() : await RedisAsync();
            capacity.Observe(used, budget, await coordination.CountAsync(failed: false, stoppingToken));
            var room = capacity.Room;
            if (room != _lastRoom)
            {
                LogRoomChanged(logger, room, used, budget);
                _lastRoom = room;
            }

            _failing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is unreachable or the reading failed: posts fail with 503 on their own; keep the last reading.
            // (A BackgroundService that throws would stop the whole host.)
            if (!_failing)
            {
                _failing = true;
                LogCheckFailed(logger, ex.GetType().Name, ex.Message);
            }
        }
    }

    /// <summary>The fullest primary decides: on a cluster, one full shard is enough to refuse.</summary>
    private async Task<(long Used, long Budget)> RedisAsync()
    {
        (long Used, long Budget) fullest = (0, options.Value.MaxMemoryBytes);
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var memory = Flatten(await server.InfoAsync("memory"));
            var max = Field(memory, "maxmemory") is > 0 and var configured ? configured : options.Value.MaxMemoryBytes;
            var used = Field(memory, "used_memory");
            if ((double)used / max > (double)fullest.Used / fullest.Budget)
            {
                fullest = (used, max);
            }
        }

        return fullest;
    }

    /// <summary>Garnet: the main log's records in memory and the objects they hold, against its log memory.</summary>
    private async Task<(long Used, long Budget)> GarnetAsync()
    {
        var server = redis.GetServers().First(s => s.IsConnected);
        var stats = Flatten(await server.InfoAsync("store"));
        var inMemory = Field(stats, "Log.TailAddress") - Field(stats, "Log.HeadAddress") + Field(stats, "Log.CurrentHeapSizeBytes");
        var budget = Field(stats, "Log.MaxMemorySizeBytes") is > 0 and var max ? max : (long)store.Embedded.MemoryMegabytes * 1024 * 1024;
        return (inMemory, budget);
    }

    private static Dictionary<string, string> Flatten(IGrouping<string, KeyValuePair<string, string>>[] info) =>
        info.SelectMany(group => group).GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);

    private static long Field(Dictionary<string, string> info, string name) =>
        info.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store guard: cannot read the store's memory ({ExceptionType}: {Reason}); keeping the last reading until it can")]
    private static partial void LogCheckFailed(ILogger logger, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store guard: {Room} (used {Used} of a {Budget}-byte budget)")]
    private static partial void LogRoomChanged(ILogger logger, StoreRoom room, long used, long budget);
}
