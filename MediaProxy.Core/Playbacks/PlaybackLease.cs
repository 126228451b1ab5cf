using MediaProxy.Core.Queue;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// One instance's hold on one playback while it works it: the lease, renewed every third of its TTL together
/// with the playback's entry in the pending index (due when the lease would expire, so if this process dies the
/// others find the work as soon as the lease is gone). Losing the lease cancels <see cref="WorkToken"/>.
/// </summary>
internal sealed class PlaybackLease : IAsyncDisposable
{
    private readonly IPlaybackCoordination _coordination;
    private readonly string _playbackKey;
    private readonly string _owner;
    private readonly TimeSpan _ttl;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _work;
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _renewal;
    private long _score;
    private bool _done;

    private PlaybackLease(IPlaybackCoordination coordination, string playbackKey, string owner, TimeSpan ttl, TimeProvider time, long score, CancellationToken drain)
    {
        (_coordination, _playbackKey, _owner, _ttl, _time, _score) = (coordination, playbackKey, owner, ttl, time, score);
        _work = CancellationTokenSource.CreateLinkedTokenSource(drain);
        _timer = new PeriodicTimer(ttl / 3, time);
        _renewal = RenewAsync();
    }

    public CancellationToken WorkToken => _work.Token;

    public bool Lost { get; private set; }

    public static async Task<PlaybackLease?> TryAcquireAsync(
        IPlaybackCoordination coordination, string playbackKey, string owner, TimeSpan ttl, TimeProvider time, CancellationToken drain)
    {
        if (!await coordination.TryAcquireLeaseAsync(playbackKey, owner, ttl, drain))
        {
            return null;
        }

        var score = await coordination.MarkPendingAsync(playbackKey, time.GetUtcNow() + ttl, drain);
        return new PlaybackLease(coordination, playbackKey, owner, ttl, time, score, drain);
    }

    /// <summary>Done for now: off the index when nothing is left (unless new work was marked meanwhile), else due later.</summary>
    public async Task CompleteAsync(TimeSpan? retryAfter)
    {
        await StopRenewingAsync();
        if (retryAfter is { } delay)
        {
            await _coordination.MarkPendingAsync(_playbackKey, _time.GetUtcNow() + delay, CancellationToken.None);
        }
        else
        {
            await _coordination.ClearPendingAsync(_playbackKey, Interlocked.Read(ref _score), CancellationToken.None);
        }

        await ReleaseAsync();
    }

    /// <summary>Like <see cref="CompleteAsync"/> with a delay, when the store itself may be failing.</summary>
    public async Task TryCompleteAsync(TimeSpan delay)
    {
        try
        {
            await CompleteAsync(delay);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease expires by itself and the index entry stays: the work is found again.
        }
    }

    /// <summary>Shutting down: due now for every other instance, and the lease freed at once.</summary>
    public async Task HandBackAsync()
    {
        await StopRenewingAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
        try
        {
            await _coordination.MarkPendingAsync(_playbackKey, _time.GetUtcNow(), timeout.Token);
            await ReleaseAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // The lease expires by itself; the index entry brings the work back after that.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        _work.Dispose();
        _stopRenewing.Dispose();
    }

    private async Task ReleaseAsync()
    {
        if (!_done)
        {
            _done = true;
            await _coordination.ReleaseLeaseAsync(_playbackKey, _owner, CancellationToken.None);
        }
    }

    private async Task StopRenewingAsync()
    {
        if (!_stopRenewing.IsCancellationRequested)
        {
            // Disposing the timer ends the wait for the next tick without an exception (most leases end there:
            // one OperationCanceledException per worked playback showed in the benchmark); the token stops a
            // renewal caught in the middle of its store calls.
            _timer.Dispose();
            await _stopRenewing.CancelAsync();
            await _renewal;
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(CancellationToken.None))
            {
                try
                {
                    if (!await _coordination.RenewLeaseAsync(_playbackKey, _owner, _ttl, _stopRenewing.Token))
                    {
                        Lost = true;
                        _done = true;
                        await _work.CancelAsync();
                        return;
                    }

                    var score = await _coordination.MarkPendingAsync(_playbackKey, _time.GetUtcNow() + _ttl, _stopRenewing.Token);
                    Interlocked.Exchange(ref _score, score);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The store failed while renewing: keep working; the next tick tries again, or the lease
                    // expires and another instance takes over (duplicates bounded to the events in flight).
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Work finished.
        }
    }
}
