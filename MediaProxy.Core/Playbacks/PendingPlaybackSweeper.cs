using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Every <see cref="PlaybackOptions.RecoveryInterval"/>, schedules the playbacks whose work is due in the pending
/// index, the longest due first, as many as this instance has room for: work of an instance that died (its lease
/// expired), retries, work handed back at shutdown, playbacks parked during an outage. While the upstream is down
/// it reads nothing but, once per probe interval, the one oldest playback, whose call is the probe; waiting
/// playbacks cost nothing meanwhile. The worker's lease decides who actually works each one.
/// </summary>
public sealed partial class PendingPlaybackSweeper(
    IPlaybackCoordination coordination,
    PlaybackScheduler work,
    PlaybackWorker worker,
    UpstreamGate gate,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PendingPlaybackSweeper> logger) : PeriodicBackgroundService(options.Value.RecoveryInterval, timeProvider)
{
    private const int MaxPerSweep = 512;

    protected override Task RunOnceAsync(CancellationToken stoppingToken) => SweepAsync(stoppingToken);

    /// <summary>One sweep (public for specs).</summary>
    public async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            var now = Time.GetUtcNow();
            // The scheduler's count includes the playbacks being worked: what is left is the worker's free room.
            var room = gate.Health.IsAvailable
                ? Math.Min(MaxPerSweep, worker.Capacity - work.Count)
                : gate.Health.NextProbeAt <= now ? 1 : 0;
            if (room <= 0)
            {
                return;
            }

            foreach (var playbackKey in await coordination.DuePendingAsync(now, room, stoppingToken))
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
