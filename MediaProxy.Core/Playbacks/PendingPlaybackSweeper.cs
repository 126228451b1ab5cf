using MediaProxy.Core.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Every <see cref="PlaybackOptions.RecoveryInterval"/>, schedules the playbacks whose work is due in the pending
/// index: work of an instance that died (its lease expired), work handed back at shutdown, retries after a
/// restart. The worker's lease decides who actually works each one.
/// </summary>
public sealed partial class PendingPlaybackSweeper(
    IPlaybackCoordination coordination,
    PlaybackScheduler work,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PendingPlaybackSweeper> logger) : PeriodicBackgroundService(options.Value.RecoveryInterval, timeProvider)
{
    private const int MaxPerSweep = 512;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => SweepAsync(stoppingToken);

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var playbackKey in await coordination.DuePendingAsync(Time.GetUtcNow(), MaxPerSweep, stoppingToken))
            {
                work.Schedule(playbackKey);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for pending playbacks failed: {ExceptionType}: {Reason}; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, string exceptionType, string reason);
}
