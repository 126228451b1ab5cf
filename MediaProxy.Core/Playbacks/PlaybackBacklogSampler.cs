using MediaProxy.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Every <see cref="PlaybackOptions.MetricsSampleInterval"/>, reads the backlog of the whole store from the pending
/// index (playbacks with a sessions call or a replay to do): how many events wait, how old the oldest is, and
/// those playbacks by state. Sampling the index keeps the accept path free of bookkeeping and needs no SCAN.
/// Events held before any sessionStart are not in the index, so not in the sample.
/// </summary>
public sealed partial class PlaybackBacklogSampler(
    IPlaybackCoordination coordination,
    IPlaybackStore store,
    PlaybackMetrics metrics,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackBacklogSampler> logger) : PeriodicBackgroundService(options.Value.MetricsSampleInterval, timeProvider)
{
    /// <summary>Beyond this many pending playbacks the sample is partial (a lower bound): bounded work per tick.</summary>
    public const int MaxSampled = 2_000;

    private const int Concurrency = 64;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => SampleAsync(stoppingToken);

    /// <summary>Takes one sample and hands it to the gauges.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pending = await coordination.DuePendingAsync(DateTimeOffset.MaxValue, MaxSampled, cancellationToken);
            var now = Time.GetUtcNow();
            long queued = 0;
            var oldest = now;
            var byState = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var chunk in pending.Chunk(Concurrency))
            {
                foreach (var (playback, head) in await Task.WhenAll(chunk.Select(key => ReadAsync(key, cancellationToken))))
                {
                    if (playback is null)
                    {
                        continue;
                    }

                    queued += playback.Queued;
                    var state = playback.State.ToWire();
                    byState[state] = byState.GetValueOrDefault(state) + 1;
                    if (head?.AcceptedAt is { } at && at < oldest)
                    {
                        oldest = at;
                    }
                }
            }

            metrics.Observe(new BacklogSample(queued, now - oldest, byState));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSampleFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    private async Task<(PlaybackSnapshot? Playback, QueuedEvent? Head)> ReadAsync(string playbackKey, CancellationToken cancellationToken)
    {
        var playback = store.GetAsync(playbackKey, cancellationToken);
        var head = store.PeekAsync(playbackKey, 1, cancellationToken);
        return (await playback, (await head) is [var first, ..] ? first : null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling the backlog for metrics failed: {ExceptionType}: {Reason}; trying again next interval")]
    private static partial void LogSampleFailed(ILogger logger, string exceptionType, string reason);
}
