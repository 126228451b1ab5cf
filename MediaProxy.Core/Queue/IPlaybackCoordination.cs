namespace MediaProxy.Core.Queue;

/// <summary>
/// Who works a playback, across every proxy instance sharing one store: a lease per playback (one owner at a
/// time) and an index of playbacks with pending work, so work left by a dead instance is found without scanning
/// the keyspace.
/// </summary>
public interface IPlaybackCoordination
{
    /// <summary>Takes the playback's lease for <paramref name="ttl"/> unless another owner holds it.</summary>
    Task<bool> TryAcquireLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when it is no longer <paramref name="owner"/>'s (expired and taken).</summary>
    Task<bool> RenewLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    /// <summary>Gives the lease back, only if it is still <paramref name="owner"/>'s (compare-and-delete).</summary>
    Task ReleaseLeaseAsync(string playbackKey, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the playback has work due at <paramref name="dueAt"/> (for anyone who finds it by then) and
    /// returns the index score written, to hand to <see cref="ClearPendingAsync"/>.
    /// </summary>
    Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the playback from the index, only if its score is still <paramref name="score"/>: a mark made
    /// meanwhile (new work) survives, so a wake-up is never lost.
    /// </summary>
    Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> playbacks whose work is due at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);
}
