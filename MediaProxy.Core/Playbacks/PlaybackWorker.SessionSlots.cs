using System.Collections.Concurrent;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Core.Playbacks;

/// <summary>The worker's waiting room: playbacks waiting in memory, holding no lease, for a sessions call slot.</summary>
public sealed partial class PlaybackWorker
{
    // A playback waiting in memory for a sessions call slot is marked due this much later meanwhile, so no sweeper
    // (this instance's included) finds it again while it waits, and others take it over after that if this one died.
    internal static readonly TimeSpan SessionSlotWait = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, byte> _waitingForSlot = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UpstreamPass> _reserved = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits in memory (no lease, no store command) for a sessions call slot, then reserves it for the playback
    /// and schedules it: slow sessions calls never hold the playbacks whose replay could go on.
    /// </summary>
    private void WaitForSessionSlot(string playbackKey, CancellationToken stoppingToken)
    {
        if (!_waitingForSlot.TryAdd(playbackKey, 0))
        {
            return;
        }

        _ = WaitAsync();

        async Task WaitAsync()
        {
            try
            {
                var pass = await gate.EnterAsync(UpstreamCall.Sessions, wait: true, stoppingToken);
                if (pass is { } reserved)
                {
                    _reserved[playbackKey] = reserved;
                }
                else
                {
                    // The upstream went down meanwhile: parked with the others, due now, oldest first.
                    await TryMarkPendingAsync(playbackKey, TimeSpan.Zero);
                }
            }
            catch (OperationCanceledException)
            {
                return; // shutting down: the pending index brings it back
            }
            finally
            {
                _waitingForSlot.TryRemove(playbackKey, out _);
            }

            // Ahead of the scheduled playbacks: its slot is held (and counted in flight) until its call goes out.
            work.ScheduleFirst(playbackKey);
        }
    }

    private void Abandon(UpstreamPass? reserved)
    {
        if (reserved is { } unused)
        {
            gate.Abandon(unused);
        }
    }

    private async Task TryMarkPendingAsync(string playbackKey, TimeSpan dueIn)
    {
        try
        {
            await coordination.MarkPendingAsync(playbackKey, timeProvider.GetUtcNow() + dueIn, _drain.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store failed: the entry falls due as it was, and whoever finds it next works it.
            LogMarkFailed(logger, PlaybackKey.ForLog(playbackKey), ex.GetType().Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the entry stays in the index for whoever runs next.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: could not mark it in the pending index ({ExceptionType}: {Reason}); it falls due as it was")]
    private static partial void LogMarkFailed(ILogger logger, string playbackKey, string exceptionType, string reason);
}
