using System.Collections.Concurrent;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Takes scheduled playbacks from the <see cref="PlaybackScheduler"/> and works each under its lease
/// (<see cref="LeaseKeeper"/>), so one instance at a time works a playback: the stages run
/// (<see cref="PlaybackStages"/>) and their outcome decides what the pending index says next. As many playbacks are
/// worked at once as the upstream's two concurrency limits allow together (<see cref="UpstreamGate"/>); one whose
/// sessions call finds no slot waits for one in memory, holding no lease, so slow sessions calls never hold up the
/// replays (a playback just accepted here takes its slot before its lease). While the upstream is down, a scheduled
/// playback is not even leased: it stays parked in the index, due, for the first instance to find once the upstream
/// is back.
/// On shutdown, work in flight gets <see cref="PlaybackOptions.ShutdownDrainTimeout"/> to finish; what is left is
/// handed back (lease released, marked due now) so another instance takes it over at once.
/// </summary>
public sealed partial class PlaybackWorker(
    PlaybackScheduler work,
    PlaybackStages stages,
    LeaseKeeper leases,
    IPlaybackCoordination coordination,
    UpstreamGate gate,
    IOptions<PlaybackOptions> options,
    TimeProvider timeProvider,
    ILogger<PlaybackWorker> logger) : BackgroundService
{
    private readonly CancellationTokenSource _drain = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly SemaphoreSlim _finished = new(0);

    /// <summary>Playbacks being worked on this instance now.</summary>
    public int Working => _running.Count;

    /// <summary>How many playbacks may be worked at once: the upstream's two concurrency limits together.</summary>
    public int Capacity => gate.Sessions.Limit + gate.Events.Limit;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stoppingToken.Register(static worker => ((PlaybackWorker)worker!).StartDrain(), this);
        try
        {
            await foreach (var playbackKey in work.ReadAllAsync(stoppingToken))
            {
                while (_running.Count >= Capacity)
                {
                    await _finished.WaitAsync(stoppingToken);
                }

                var running = RunAsync(playbackKey, stoppingToken);
                _running[running] = 0;
                _ = running.ContinueWith(static (done, state) => ((PlaybackWorker)state!).Finished(done), this, CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: nothing more is taken from the scheduler.
        }

        await Task.WhenAll(_running.Keys);
        foreach (var key in _reserved.Keys)
        {
            if (_reserved.TryRemove(key, out var unused))
            {
                gate.Abandon(unused);
            }
        }
    }

    public override void Dispose()
    {
        _drain.Dispose();
        _finished.Dispose();
        base.Dispose();
    }

    private void Finished(Task done)
    {
        _running.TryRemove(done, out _);
        _finished.Release();
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

    private async Task RunAsync(string playbackKey, CancellationToken stoppingToken)
    {
        await Task.Yield();
        do
        {
            await WorkAsync(playbackKey, stoppingToken);
        }
        while (work.Finish(playbackKey) && !stoppingToken.IsCancellationRequested);
    }

    /// <summary>Works the playback if the upstream may be called and its lease can be had.</summary>
    private async Task WorkAsync(string playbackKey, CancellationToken stoppingToken)
    {
        if (_waitingForSlot.ContainsKey(playbackKey))
        {
            // Found due again while it waits here for a sessions call slot: keep the others off it a while longer.
            await TryMarkPendingAsync(playbackKey, SessionSlotWait);
            return;
        }

        var reserved = _reserved.TryRemove(playbackKey, out var slot) ? slot : (UpstreamPass?)null;
        var newStart = work.TakeNewStart(playbackKey);
        if (reserved is null && !gate.Health.IsAvailable && gate.Health.NextProbeAt > timeProvider.GetUtcNow())
        {
            return; // parked: the pending index keeps it, due, and nothing here costs anything
        }

        if (reserved is null && newStart && gate.Health.IsAvailable)
        {
            // Just accepted here, so it needs a sessions call: its slot first. Without one it waits at the cost of one
            // store command, instead of a lease taken and given back and its state read twice (a flash crowd's
            // thousands of playbacks waiting for their slots cost the proxy's CPU as much as their calls did).
            reserved = await gate.EnterAsync(UpstreamCall.Sessions, wait: false, stoppingToken);
            if (reserved is null)
            {
                await TryMarkPendingAsync(playbackKey, SessionSlotWait);
                WaitForSessionSlot(playbackKey, stoppingToken);
                return;
            }
        }

        // Every log line written while working this playback (stages, upstream client) carries its key.
        using var scope = logger.BeginScope(new PlaybackLogScope(playbackKey));
        using var activity = PlaybackTracing.StartWork(playbackKey);
        PlaybackLease? lease = null;
        try
        {
            lease = await leases.TryAcquireAsync(playbackKey, _drain.Token);
            if (lease is null)
            {
                // Another instance works it (the slot is given back below, once). It may have read the playback before
                // the work this instance was scheduled for was stored, and clear its own mark as spurious when it ends:
                // this mark, due when that lease could be gone, keeps the playback in the index either way.
                await TryMarkPendingAsync(playbackKey, options.Value.LeaseTtl);
                return;
            }

            // The stages own the reserved slot from here: they use it or give it back, even when they throw.
            var owned = reserved;
            reserved = null;
            var outcome = await stages.RunAsync(playbackKey, owned, lease.WorkToken);
            await lease.CompleteAsync(outcome switch
            {
                StageOutcome.Retry retry => retry.Delay,
                StageOutcome.ParkedOutcome => TimeSpan.Zero, // due now: resumes with the oldest once the upstream is back
                StageOutcome.NoSessionSlotOutcome => SessionSlotWait,
                _ => null,
            });
            if (outcome == StageOutcome.NoSessionSlot)
            {
                WaitForSessionSlot(playbackKey, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (lease?.Lost == true)
        {
            LogLeaseLost(logger, PlaybackKey.ForLog(playbackKey));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (lease is not null)
            {
                LogHandedBack(logger, PlaybackKey.ForLog(playbackKey));
                await lease.HandBackAsync();
            }
        }
        catch (Exception ex)
        {
            // Typically the store is unreachable: keep the playback and come back to it.
            var delay = Backoff.FullJitter(3, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay);
            LogWorkFailed(logger, ex, PlaybackKey.ForLog(playbackKey), delay.TotalSeconds);
            await (lease?.TryCompleteAsync(delay) ?? Task.CompletedTask);
        }
        finally
        {
            Abandon(reserved);
            if (lease is not null)
            {
                leases.Forget(lease);
                await lease.DisposeAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: work failed; trying again in {DelaySeconds:F1} s")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, string playbackKey, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: lease lost while working (another instance took over); stopped")]
    private static partial void LogLeaseLost(ILogger logger, string playbackKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: shutting down, work handed back to other instances")]
    private static partial void LogHandedBack(ILogger logger, string playbackKey);
}
