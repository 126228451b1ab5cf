using MediaProxy.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Every <see cref="PlaybackOptions.MetricsSampleInterval"/>, reads the backlog of the whole store from the pending
/// index at a fixed cost, whatever its size (about fifty commands: a count per shard, and the few playbacks due
/// longest): how many playbacks have work pending, and the age of the oldest event among those due longest.
/// Sampling the index keeps the accept path free of bookkeeping and needs no SCAN.
/// </summary>
public sealed partial class PlaybackBacklogSampler(
    IPlaybackCoordination coordination,
    IPlaybackStore store,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackBacklogSampler> logger) : PeriodicBackgroundService(options.Value.MetricsSampleInterval, timeProvider)
{
    /// <summary>How many of the playbacks due longest are read for the oldest event's age.</summary>
    public const int OldestSampled = 8;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => SampleAsync(stoppingToken);

    /// <summary>Takes one sample and hands it to the gauges.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = Time.GetUtcNow();
            var pending = coordination.CountPendingAsync(cancellationToken);
            var heads = await Task.WhenAll((await coordination.DuePendingAsync(now, OldestSampled, cancellationToken))
                .Select(key => store.PeekAsync(key, 1, cancellationToken)));
            var oldest = heads.SelectMany(h => h).Select(h => h.AcceptedAt).OfType<DateTimeOffset>().DefaultIfEmpty(now).Min();
            metrics.Observe(new BacklogSample(await pending, now - oldest));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSampleFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling the backlog for metrics failed: {ExceptionType}: {Reason}; trying again next interval")]
    private static partial void LogSampleFailed(ILogger logger, string exceptionType, string reason);
}
