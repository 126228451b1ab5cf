using MediaProxy.Core.Queue;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// One instance's hold on one playback while it works it: the lease, and the playback's entry in the pending
/// index, due when the lease would expire (so if this process dies the others find the work as soon as the lease
/// is gone). <see cref="LeaseKeeper"/> renews both; losing the lease cancels <see cref="WorkToken"/>. A mark made by
/// anyone else meanwhile (new work, due now) is never pushed back or cleared: renewals and completion only move
/// the entry while it still holds this lease's own score.
/// </summary>
public sealed class PlaybackLease : IAsyncDisposable
{
    private readonly IPlaybackCoordination _coordination;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _work;
    private readonly object _gate = new();
    private Task _renewal = Task.CompletedTask;
    private long? _score;
    private bool _ended;
    private DateTimeOffset? _heldUntil;

    internal PlaybackLease(IPlaybackCoordination coordination, string playbackKey, string owner, TimeSpan ttl, TimeProvider time, long score, CancellationToken drain)
    {
        (_coordination, PlaybackKey, Owner, Ttl, _time, _score) = (coordination, playbackKey, owner, ttl, time, score);
        _work = CancellationTokenSource.CreateLinkedTokenSource(drain);
    }

    public string PlaybackKey { get; }

    public string Owner { get; }

    public TimeSpan Ttl { get; }

    /// <summary>Cancelled when the lease is lost or the drain window ends.</summary>
    public CancellationToken WorkToken => _work.Token;

    public bool Lost { get; private set; }

    /// <summary>
    /// Done for now: off the index when <paramref name="dueIn"/> is null, else due again that much later, unless
    /// new work was marked meanwhile (that mark stays); the lease is freed either way.
    /// </summary>
    public async Task CompleteAsync(TimeSpan? dueIn)
    {
        var score = await EndAsync();
        if (dueIn <= TimeSpan.Zero)
        {
            // Due now: never later than a mark anyone made meanwhile.
            await _coordination.MarkPendingAsync(PlaybackKey, _time.GetUtcNow() + dueIn.Value, CancellationToken.None);
        }
        else if (score is { } s)
        {
            await (dueIn is { } delay
                ? _coordination.DeferPendingAsync(PlaybackKey, s, _time.GetUtcNow() + delay, CancellationToken.None)
                : _coordination.ClearPendingAsync(PlaybackKey, s, CancellationToken.None));
        }

        // Else a renewal found someone's mark (new work, due now): it stands, sooner than any delay of ours.
        await _coordination.ReleaseLeaseAsync(PlaybackKey, Owner, CancellationToken.None);
    }

    /// <summary>Like <see cref="CompleteAsync"/>, when the store itself may be failing.</summary>
    public async Task TryCompleteAsync(TimeSpan dueIn)
    {
        try
        {
            await CompleteAsync(dueIn);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease expires by itself and the index entry stays: the work is found again.
        }
    }

    /// <summary>Shutting down: due now for every other instance, and the lease freed at once.</summary>
    public async Task HandBackAsync()
    {
        await EndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
        try
        {
            await _coordination.MarkPendingAsync(PlaybackKey, _time.GetUtcNow(), timeout.Token);
            await _coordination.ReleaseLeaseAsync(PlaybackKey, Owner, timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // The lease expires by itself; the index entry brings the work back after that.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await EndAsync();
        _work.Dispose();
    }

    /// <summary>One renewal (called by <see cref="LeaseKeeper"/>): the lease, then the index entry if still ours.</summary>
    internal Task RenewAsync()
    {
        lock (_gate)
        {
            // Held for a long call: the lease outlasts the hold by a whole TTL, nothing to renew until it ends.
            if (_ended || _time.GetUtcNow() < _heldUntil)
            {
                return Task.CompletedTask;
            }

            return _renewal = RenewCoreAsync(Ttl, _renewal);
        }
    }

    /// <summary>
    /// Covers a call that may take up to <paramref name="span"/> (a sessions call into a hung upstream): the lease
    /// and the index entry are extended once to last that long plus a TTL, and renewals pause meanwhile, so a call
    /// hung for minutes costs one store round, not one every third of a TTL. If this process dies, the playback
    /// waits for the hold to pass before another instance takes it.
    /// </summary>
    internal Task HoldAsync(TimeSpan span)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return Task.CompletedTask;
            }

            // After any renewal in flight, so a shorter expiry can never land after the longer one.
            _heldUntil = _time.GetUtcNow() + span;
            return _renewal = RenewCoreAsync(span + Ttl, _renewal);
        }
    }

    private async Task RenewCoreAsync(TimeSpan ttl, Task previous)
    {
        await previous;
        try
        {
            if (!await _coordination.RenewLeaseAsync(PlaybackKey, Owner, ttl, CancellationToken.None))
            {
                Lost = true;
                await _work.CancelAsync();
                return;
            }

            long? score;
            lock (_gate)
            {
                score = _score;
            }

            if (score is { } s)
            {
                var moved = await _coordination.DeferPendingAsync(PlaybackKey, s, _time.GetUtcNow() + ttl, CancellationToken.None);
                lock (_gate)
                {
                    // Null: someone marked new work (due now); leave their mark alone from here on.
                    _score = moved;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store failed while renewing: keep working; the next renewal tries again (a hold is given up, so
            // renewals go on), or the lease expires and another instance takes over.
            lock (_gate)
            {
                _heldUntil = null;
            }
        }
    }

    /// <summary>Stops renewals (waiting for one in flight) and returns the index score this lease last wrote.</summary>
    private async Task<long?> EndAsync()
    {
        Task renewal;
        lock (_gate)
        {
            _ended = true;
            renewal = _renewal;
        }

        await renewal;
        lock (_gate)
        {
            return _score;
        }
    }
}
