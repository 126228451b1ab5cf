using MediaProxy.Core.Queue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Runs <see cref="PlaybackOptions.MaxConcurrentPlaybacks"/> + <see cref="PlaybackOptions.MaxConcurrentSessionCalls"/>
/// loops that take scheduled playbacks from the
/// <see cref="PlaybackScheduler"/> and hand them to the <see cref="PlaybackReplayer"/> under the playback's lease
/// (<see cref="PlaybackLease"/>), so one instance at a time works a playback. That number bounds the concurrent
/// background upstream calls, and one failing playback waits on its own timer without holding a loop.
/// On shutdown, work in flight gets <see cref="PlaybackOptions.ShutdownDrainTimeout"/> to finish; what is left is
/// handed back (lease released, marked due now) so another instance takes it over at once.
/// </summary>
public sealed partial class PlaybackWorker(
    PlaybackScheduler work,
    PlaybackReplayer replayer,
    IPlaybackCoordination coordination,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackWorker> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly CancellationTokenSource _drain = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(static worker => ((PlaybackWorker)worker!).StartDrain(), this);
        return Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrentPlaybacks + options.Value.MaxConcurrentSessionCalls).Select(_ => ConsumeAsync(stoppingToken)));
    }

    /// <summary>Shutdown began: work in flight gets the drain window, then is cancelled and handed back.</summary>
    private void StartDrain()
    {
        try
        {
            _drain.CancelAfter(options.Value.ShutdownDrainTimeout);
        }
        catch (ObjectDisposedException)
        {
            // Disposed before it was stopped (a host torn down without StopAsync): nothing is left to drain.
        }
    }

    public override void Dispose()
    {
        _drain.Dispose();
        base.Dispose();
    }

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var playbackKey in work.Reader.ReadAllAsync(stoppingToken))
            {
                do
                {
                    if (await WorkAsync(playbackKey, stoppingToken) is { } delay)
                    {
                        _ = replayer.SessionCallSlotFreed(playbackKey) is { } slotFreed
                            ? ScheduleWhenAsync(playbackKey, slotFreed, stoppingToken)
                            : ScheduleLaterAsync(playbackKey, delay, stoppingToken);
                    }
                }
                while (work.Finish(playbackKey) && !stoppingToken.IsCancellationRequested);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: nothing more is taken from the scheduler.
        }
    }

    /// <summary>Works the playback if its lease can be had; returns when to try it again, if at all.</summary>
    private async Task<TimeSpan?> WorkAsync(string playbackKey, CancellationToken stoppingToken)
    {
        if (replayer.IsWaitingForSessionCallSlot(playbackKey))
        {
            // Found again by the sweeper while it waits here for a slot: keep other instances off it for another
            // while (one write), and let it go on waiting; its wake-up is already arranged.
            await TryMarkWaitingAsync(playbackKey);
            return null;
        }

        // Every log line written while working this playback (replayer, upstream client) carries its key.
        using var scope = logger.BeginScope(new PlaybackLogScope(playbackKey));
        using var activity = PlaybackTracing.StartWork(playbackKey);
        PlaybackLease? lease = null;
        try
        {
            lease = await PlaybackLease.TryAcquireAsync(coordination, playbackKey, _owner, options.Value.LeaseTtl, timeProvider, _drain.Token);
            if (lease is null)
            {
                // Another instance works it; the pending index brings it back if that one dies.
                return null;
            }

            var retryAfter = await replayer.RunAsync(playbackKey, lease.WorkToken);
            await lease.CompleteAsync(retryAfter);
            return retryAfter;
        }
        catch (OperationCanceledException) when (lease?.Lost == true)
        {
            LogLeaseLost(logger, PlaybackKey.ForLog(playbackKey));
            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (lease is not null)
            {
                LogHandedBack(logger, PlaybackKey.ForLog(playbackKey));
                await lease.HandBackAsync();
            }

            return null;
        }
        catch (Exception ex)
        {
            // Typically the store is unreachable: keep the playback and come back to it.
            var delay = replayer.RetryDelay(3);
            LogWorkFailed(logger, ex, PlaybackKey.ForLog(playbackKey), delay.TotalSeconds);
            await (lease?.TryCompleteAsync(delay) ?? Task.CompletedTask);
            return delay;
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    private async Task TryMarkWaitingAsync(string playbackKey)
    {
        try
        {
            await coordination.MarkPendingAsync(playbackKey, timeProvider.GetUtcNow() + options.Value.SessionCallSlotWait, _drain.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store failed: the entry falls due, and whoever finds it next works it.
            LogMarkWaitingFailed(logger, PlaybackKey.ForLog(playbackKey), ex.GetType().Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the entry stays in the index for whoever runs next.
        }
    }

    private async Task ScheduleWhenAsync(string playbackKey, Task slotFreed, CancellationToken stoppingToken)
    {
        try
        {
            await slotFreed.WaitAsync(stoppingToken);
            work.Schedule(playbackKey);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the pending index still holds the playback for whoever runs next.
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
            // Shutting down: the pending index still holds the playback for whoever runs next.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: work failed; trying again in {DelaySeconds:F1} s")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string playbackKey, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: waiting for a sessions call slot, but could not keep other instances off it: {ExceptionType}: {Reason}")]
    private static partial void LogMarkWaitingFailed(ILogger logger, string playbackKey, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: lease lost while working (another instance took over); stopped")]
    private static partial void LogLeaseLost(ILogger logger, string playbackKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: shutting down, work handed back to other instances")]
    private static partial void LogHandedBack(ILogger logger, string playbackKey);
}
