using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Queue;

/// <summary>What the store has room for, as of the last reading plus what this instance wrote since.</summary>
public enum StoreRoom
{
    /// <summary>Room for everything.</summary>
    Open,

    /// <summary>Past the high-water mark (or the cap on pending playbacks): no new playbacks; those under way go on.</summary>
    NoNewPlaybacks,

    /// <summary>Past the hard mark: no post at all, so the server never runs out of memory.</summary>
    Full,
}

/// <summary>
/// The store's fullness, read on every post. The store guard (a hosted service) reads the server's own figures every
/// <see cref="StoreGuardOptions.CheckInterval"/>; between two readings every accepted post adds its bytes (twice
/// over, for keys and structure), so the guard reacts within one accept, not one interval.
/// </summary>
public sealed class StoreCapacity(IOptions<StoreGuardOptions> options)
{
    private const int BytesPerPendingPlayback = 16 * 1024;

    private readonly object _gate = new();
    private long _used;
    private long _budget;
    private long _pending;
    private long _written;
    private long _startedSince;
    private bool _refusingNew;

    /// <summary>The budget in force (the server's, or the configured one), for reports; 0 before the first reading.</summary>
    public long Budget => Interlocked.Read(ref _budget);

    public StoreRoom Room
    {
        get
        {
            lock (_gate)
            {
                if (_budget <= 0)
                {
                    return StoreRoom.Open;
                }

                var share = (double)(_used + (2 * _written)) / _budget;
                if (share >= options.Value.RefuseAllAt)
                {
                    return StoreRoom.Full;
                }

                _refusingNew = _refusingNew ? share >= options.Value.ResumeNewBelow : share >= options.Value.RefuseNewAt;
                return _refusingNew || _pending + _startedSince >= MaxPending() ? StoreRoom.NoNewPlaybacks : StoreRoom.Open;
            }
        }
    }

    /// <summary>An accepted post wrote about <paramref name="bytes"/>; <paramref name="newPlayback"/> when it started one.</summary>
    public void Wrote(long bytes, bool newPlayback)
    {
        lock (_gate)
        {
            _written += bytes;
            _startedSince += newPlayback ? 1 : 0;
        }
    }

    /// <summary>A reading of the server: memory used, the budget, playbacks with work pending.</summary>
    public void Observe(long used, long budget, long pending)
    {
        lock (_gate)
        {
            (_used, _pending, _written, _startedSince) = (used, pending, 0, 0);
            Interlocked.Exchange(ref _budget, budget);
        }
    }

    private long MaxPending() =>
        options.Value.MaxPendingPlaybacks > 0 ? options.Value.MaxPendingPlaybacks : Math.Max(1, _budget / BytesPerPendingPlayback);
}
