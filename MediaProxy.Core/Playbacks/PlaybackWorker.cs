using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Runs <see cref="PlaybackOptions.MaxConcurrentPlaybacks"/> loops that take scheduled playbacks from the
/// <see cref="PlaybackScheduler"/> and hand them to the <see cref="PlaybackReplayer"/>. That number bounds the
/// concurrent background upstream calls, so a slow upstream never turns into thousands of sockets, and one
/// failing playback waits on its own timer without holding a loop (no head-of-line blocking).
/// On shutdown the in-flight calls are cancelled: their events are still in the store, nothing is lost.
/// </summary>
public sealed partial class PlaybackWorker(
    PlaybackScheduler work,
    PlaybackReplayer replayer,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrentPlaybacks).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var playbackKey in work.Reader.ReadAllAsync(stoppingToken))
            {
                do
                {
                    var retryAfter = await WorkAsync(playbackKey, stoppingToken);
                    if (retryAfter is { } delay)
                    {
                        _ = ScheduleLaterAsync(playbackKey, delay, stoppingToken);
                    }
                }
                while (work.Finish(playbackKey) && !stoppingToken.IsCancellationRequested);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<TimeSpan?> WorkAsync(string playbackKey, CancellationToken stoppingToken)
    {
        try
        {
            return await replayer.RunAsync(playbackKey, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Typically the store is unreachable: keep the playback and come back to it.
            var delay = replayer.RetryDelay(3);
            LogWorkFailed(logger, ex, PlaybackKey.ForLog(playbackKey), delay.TotalSeconds);
            return delay;
        }
    }

    private async Task ScheduleLaterAsync(string playbackKey, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken);
            work.Schedule(playbackKey);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the playback's events stay in the store.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: work failed; trying again in {DelaySeconds:F1} s")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string playbackKey, double delaySeconds);
}
