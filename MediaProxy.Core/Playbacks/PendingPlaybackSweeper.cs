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
/// playbacks cost nothing meanwhile. When the upstream comes back it sweeps at once, not at the next interval. The
/// worker's lease decides who actually works each one. While a sweep finds more due than it had room for (a
/// backlog, as when the upstream comes back), it sweeps again every <see cref="BacklogPause"/> as the worker frees
/// room, not once an interval: the drain follows the worker's pace.
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
    /// <summary>Between two sweeps of a backlog: a pause while the worker has no room costs no store command.</summary>
    internal static readonly TimeSpan BacklogPause = TimeSpan.FromMilliseconds(50);

    private const int MaxPerSweep = 512;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        gate.Health.Recovered += RunSoon;
        return base.StartAsync(cancellationToken);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        gate.Health.Recovered -= RunSoon;
        return base.StopAsync(cancellationToken);
    }

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        while (await SweepAsync(stoppingToken) != SweepOutcome.Done)
        {
            await Task.Delay(BacklogPause, Time, stoppingToken);
        }
    }

    /// <summary>One sweep (public for specs).</summary>
    public async Task<SweepOutcome> SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            var now = Time.GetUtcNow();
            if (!gate.Health.IsAvailable)
            {
                // Down: the oldest one's call is the probe, when one is due; the rest stay parked.
                if (gate.Health.NextProbeAt <= now)
                {
                    await ScheduleDueAsync(now, 1, stoppingToken);
                }

                return SweepOutcome.Done;
            }

            // The scheduler's count includes the playbacks being worked: what is left is the worker's free room.
            var room = Math.Min(MaxPerSweep, worker.Capacity - work.Count);
            if (room <= 0)
            {
                return SweepOutcome.NoRoom;
            }

            return await ScheduleDueAsync(now, room, stoppingToken) < room ? SweepOutcome.Done : SweepOutcome.MoreDue;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSweepFailed(logger, ex.GetType().Name, ex.Message);
            return SweepOutcome.Done;
        }
    }

    private async Task<int> ScheduleDueAsync(DateTimeOffset now, int count, CancellationToken stoppingToken)
    {
        var due = await coordination.DuePendingAsync(now, count, stoppingToken);
        foreach (var playbackKey in due)
        {
            work.Schedule(playbackKey);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for pending playbacks failed: {ExceptionType}: {Reason}; trying again next interval")]
    private static partial void LogSweepFailed(ILogger logger, string exceptionType, string reason);
}

/// <summary>What a sweep of the pending index found.</summary>
public enum SweepOutcome
{
    /// <summary>Every due playback it could see is scheduled (or the upstream is down): next sweep at the interval.</summary>
    Done,

    /// <summary>It filled the worker's room and more may be due: sweep again as soon as room frees.</summary>
    MoreDue,

    /// <summary>The worker had no room to take any: whether more is due is unknown until it has.</summary>
    NoRoom,
}
