using MediaProxy.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Every <see cref="PlaybackOptions.MetricsSampleInterval"/>, reads the backlog of the whole store from the indexes
/// at a fixed cost, whatever its size (about a hundred commands): the playbacks with work pending and the failed
/// ones (counted exactly), their states and queued events (from a random sample of <see cref="Sampled"/>: exact
/// while the backlog is that small, an estimate beyond), and the age of the oldest event among the playbacks due
/// longest. Sampling the indexes keeps the accept path free of bookkeeping and needs no SCAN.
/// </summary>
public sealed partial class PlaybackBacklogSampler(
    IPlaybackCoordination coordination,
    IPlaybackStore store,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackBacklogSampler> logger) : PeriodicBackgroundService(options.Value.MetricsSampleInterval, timeProvider)
{
    /// <summary>Playbacks read per sample for the states and queue lengths.</summary>
    public const int Sampled = 64;

    /// <summary>How many of the playbacks due longest are read for the oldest event's age.</summary>
    public const int OldestSampled = 8;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => SampleAsync(stoppingToken);

    /// <summary>Takes one sample and hands it to the gauges.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = Time.GetUtcNow();
            var pending = coordination.CountAsync(failed: false, cancellationToken);
            var failed = coordination.CountAsync(failed: true, cancellationToken);
            var sample = await Task.WhenAll((await coordination.SamplePendingAsync(Sampled, cancellationToken)).Select(key => store.GetAsync(key, cancellationToken)));
            var heads = await Task.WhenAll((await coordination.DuePendingAsync(now, OldestSampled, cancellationToken))
                .Select(key => store.PeekAsync(key, 1, cancellationToken)));
            var oldest = heads.SelectMany(h => h).Select(h => h.AcceptedAt).OfType<DateTimeOffset>().DefaultIfEmpty(now).Min();

            // The sample stands for the whole pending index: scaled up by how many it stands for.
            var read = sample.OfType<PlaybackSnapshot>().ToList();
            var scale = read.Count == 0 ? 0 : (double)await pending / read.Count;
            var byState = read.GroupBy(p => p.State.ToWire()).ToDictionary(g => g.Key, g => (long)Math.Round(g.Count() * scale), StringComparer.Ordinal);
            metrics.Observe(new BacklogSample(await pending, await failed, (long)Math.Round(read.Sum(p => p.Queued) * scale), Age(now, oldest), byState));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSampleFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling the backlog for metrics failed: {ExceptionType}: {Reason}; trying again next interval")]
    private static partial void LogSampleFailed(ILogger logger, string exceptionType, string reason);

    /// <summary>An event accepted after the clock was read (before the peeks) is as young as can be, not negative.</summary>
    private static TimeSpan Age(DateTimeOffset now, DateTimeOffset oldest) => oldest < now ? now - oldest : TimeSpan.Zero;
}
