using System.Collections.Concurrent;
using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Takes playback leases for this instance and renews every one it holds, every third of
/// <see cref="PlaybackOptions.LeaseTtl"/>, from one timer: no timer per playback, and nothing at all while this
/// instance works nothing (a parked playback holds no lease).
/// </summary>
public sealed class LeaseKeeper : IDisposable
{
    private readonly IPlaybackCoordination _coordination;
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly ConcurrentDictionary<string, PlaybackLease> _held = new(StringComparer.Ordinal);
    private readonly ITimer _timer;
    private int _renewing;

    public LeaseKeeper(IPlaybackCoordination coordination, IOptions<PlaybackOptions> options, TimeProvider timeProvider)
    {
        (_coordination, _time, _ttl) = (coordination, timeProvider, options.Value.LeaseTtl);
        _timer = timeProvider.CreateTimer(static keeper => _ = ((LeaseKeeper)keeper!).RenewAllAsync(), this, _ttl / 3, _ttl / 3);
    }

    /// <summary>This instance's owner token: its leases carry it.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Leases held now.</summary>
    public int Count => _held.Count;

    /// <summary>The playback's lease, or null when another instance holds it.</summary>
    public async Task<PlaybackLease?> TryAcquireAsync(string playbackKey, CancellationToken drain)
    {
        if (!await _coordination.TryAcquireLeaseAsync(playbackKey, Owner, _ttl, drain))
        {
            return null;
        }

        // Due when the lease would expire: others leave it alone, and find it as soon as the lease is gone.
        var score = await _coordination.MarkPendingAsync(playbackKey, _time.GetUtcNow() + _ttl, drain);
        var lease = new PlaybackLease(_coordination, playbackKey, Owner, _ttl, _time, score, drain);
        _held[playbackKey] = lease;
        return lease;
    }

    /// <summary>
    /// Extends this instance's lease on the playback to cover a call of up to <paramref name="span"/>, with no
    /// renewals meanwhile (see <see cref="PlaybackLease.HoldAsync"/>); nothing when it holds none.
    /// </summary>
    public Task HoldAsync(string playbackKey, TimeSpan span) =>
        _held.TryGetValue(playbackKey, out var lease) ? lease.HoldAsync(span) : Task.CompletedTask;

    /// <summary>Stops renewing the lease (it has ended).</summary>
    public void Forget(PlaybackLease lease) => _held.TryRemove(new KeyValuePair<string, PlaybackLease>(lease.PlaybackKey, lease));

    public void Dispose() => _timer.Dispose();

    private async Task RenewAllAsync()
    {
        // A slow store must not pile renewal rounds on top of each other.
        if (Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            await Task.WhenAll(_held.Values.Select(lease => lease.RenewAsync()));
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
