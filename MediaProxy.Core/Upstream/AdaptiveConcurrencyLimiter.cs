namespace MediaProxy.Core.Upstream;

/// <summary>
/// How many calls of one kind may be in flight, following the upstream (AIMD, as Netflix's concurrency-limits and
/// Vector's adaptive request concurrency do it, with a slow start like TCP's): +15 for each answer that came back in
/// time while the limit was in use (about ×16 per round trip) below the level of the last overload, +1 per round
/// trip above it. On a sign of overload (5xx, a timeout, an answer slower than <c>tolerance</c> × the usual latency)
/// it is cut ×<see cref="Backoff"/> once per round of calls (the calls started before a cut report the same
/// overload, and are not cut for again); a 429 also brings it down to the calls still in flight (what the upstream
/// took: the calls it refuses come back fast). It starts at <c>initial</c> and slow-starts towards the ceiling. A
/// sessions call's round trip can take seconds, hence ×<see cref="SlowStartGrowth"/> per round trip, not TCP's ×2:
/// a flash crowd reaches the ceiling after one round trip of good answers instead of four, while an upstream that
/// answers nothing (hung) holds only the initial number of calls (each call in flight costs the process about 20 KB).
/// </summary>
public sealed class AdaptiveConcurrencyLimiter(int ceiling, int initial, double latencyTolerance, TimeProvider timeProvider)
{
    public const double Backoff = 0.9;

    /// <summary>How much the limit grows per round trip of timely answers in slow start.</summary>
    public const int SlowStartGrowth = 16;

    // Below this a slower answer is noise, not a sign of overload (a local upstream answers in a millisecond).
    private static readonly TimeSpan LatencySlack = TimeSpan.FromMilliseconds(50);

    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource<LimiterPermit>> _waiters = new();
    private readonly LatencyBaseline _latency = new(timeProvider);
    private double _limit = Math.Clamp(initial, 1, ceiling);
    private int _inFlight;
    private long _epoch;
    private double _threshold = ceiling;

    public int Ceiling => ceiling;

    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return (int)_limit;
            }
        }
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot if one is free now.</summary>
    public bool TryAcquire(out LimiterPermit permit)
    {
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inFlight < (int)_limit)
            {
                permit = Take();
                return true;
            }
        }

        permit = default;
        return false;
    }

    /// <summary>A slot even when none is free (a probe of a down upstream, paced by its health state instead).</summary>
    public LimiterPermit AcquireBeyondLimit()
    {
        lock (_gate)
        {
            return Take();
        }
    }

    /// <summary>Waits for a slot, first come first served.</summary>
    public async ValueTask<LimiterPermit> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<LimiterPermit> waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inFlight < (int)_limit)
            {
                return Take();
            }

            waiter = new TaskCompletionSource<LimiterPermit>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        using (cancellationToken.Register(static w => ((TaskCompletionSource<LimiterPermit>)w!).TrySetCanceled(), waiter))
        {
            try
            {
                return await waiter.Task;
            }
            catch (OperationCanceledException)
            {
                // A slot handed over as the wait was cancelled goes back (TrySetCanceled lost to TrySetResult).
                if (waiter.Task.IsCompletedSuccessfully)
                {
                    Release(waiter.Task.Result, LimiterSample.None, TimeSpan.Zero);
                }

                throw;
            }
        }
    }

    /// <summary>Gives the slot back with what the call taught about the upstream.</summary>
    public void Release(LimiterPermit permit, LimiterSample sample, TimeSpan latency)
    {
        lock (_gate)
        {
            var utilised = _inFlight * 2 >= _limit;
            _inFlight--;
            if (sample == LimiterSample.Answered && _latency.IsSlow(latency, latencyTolerance, LatencySlack))
            {
                sample = LimiterSample.Overloaded;
            }

            if (sample == LimiterSample.Answered)
            {
                _latency.Add(latency);
                if (utilised)
                {
                    // Below the level of the last overload +15 per answer (×16 per round trip), at or above it +1 per
                    // round trip (slow start and congestion avoidance, as TCP's).
                    _limit = Math.Min(ceiling, _limit + (_limit < _threshold ? SlowStartGrowth - 1 : 1 / _limit));
                }
            }
            else if (sample is LimiterSample.Refused or LimiterSample.Overloaded)
            {
                // A refusal (429) says the upstream took no more than what was in flight: never above that. And once
                // per round, ×Backoff on top: the calls of the round that follow report the same overload.
                if (sample == LimiterSample.Refused)
                {
                    _limit = Math.Max(1, Math.Min(_limit, _inFlight + 1));
                }

                if (permit.Epoch == _epoch)
                {
                    _limit = Math.Max(1, _limit * Backoff);
                    _threshold = _limit;
                    _epoch++;
                }
            }

            WakeWaiters();
        }
    }

    /// <summary>
    /// After an outage: what was learnt while the upstream was down says nothing of its capacity now. The limit is
    /// raised to at least an eighth of the ceiling and grows fast again until the first sign of overload.
    /// </summary>
    public void Restart()
    {
        lock (_gate)
        {
            _limit = Math.Max(_limit, Math.Max(1, ceiling / 8));
            _threshold = ceiling;
            WakeWaiters();
        }
    }

    private LimiterPermit Take()
    {
        _inFlight++;
        return new LimiterPermit(_epoch);
    }

    private void WakeWaiters()
    {
        while (_inFlight < (int)_limit && _waiters.TryDequeue(out var waiter))
        {
            var permit = Take();
            if (!waiter.TrySetResult(permit))
            {
                _inFlight--; // cancelled meanwhile
            }
        }
    }
}

/// <summary>A slot of an <see cref="AdaptiveConcurrencyLimiter"/>; remembers the round of calls it was taken in.</summary>
public readonly record struct LimiterPermit(long Epoch);

/// <summary>What a released slot's call says about the upstream's capacity.</summary>
public enum LimiterSample
{
    /// <summary>An answer (of any status but 429/5xx): room to grow, unless it was slow.</summary>
    Answered,

    /// <summary>429: the upstream refused more than it takes: down to what was in flight, and cut.</summary>
    Refused,

    /// <summary>5xx, a timeout, a slow answer: cut.</summary>
    Overloaded,

    /// <summary>Nothing learnt (not sent, cancelled).</summary>
    None,
}
