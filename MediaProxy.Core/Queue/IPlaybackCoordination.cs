namespace MediaProxy.Core.Queue;

/// <summary>
/// Who works a playback, across every proxy instance sharing one store: a lease per playback (one owner at a
/// time), an index of playbacks with pending work (so work left by a dead instance, or parked during an outage, is
/// found without scanning the keyspace) and an index of failed playbacks (so an operator can list and retry them).
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
    /// returns the index score written, to hand to <see cref="DeferPendingAsync"/> or <see cref="ClearPendingAsync"/>.
    /// </summary>
    Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the playback's due time to <paramref name="dueAt"/>, only if its score is still <paramref name="score"/>:
    /// a mark made meanwhile (new work, due now) is never pushed back. Returns the new score, or null when it changed.
    /// </summary>
    Task<long?> DeferPendingAsync(string playbackKey, long score, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the playback from the index, only if its score is still <paramref name="score"/>: a mark made
    /// meanwhile (new work) survives, so a wake-up is never lost.
    /// </summary>
    Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> playbacks whose work is due at <paramref name="now"/>, the longest due first.</summary>
    Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>How many playbacks are listed: with pending work (due or not), or failed.</summary>
    Task<long> CountAsync(bool failed, CancellationToken cancellationToken);

    /// <summary>
    /// About <paramref name="size"/> playbacks with pending work, drawn at random (each shard in proportion to its
    /// size): every one of them when there are no more than that. For estimates at a fixed cost.
    /// </summary>
    Task<IReadOnlyList<string>> SamplePendingAsync(int size, CancellationToken cancellationToken);

    /// <summary>Lists the playback among the failed ones (before it is marked failed).</summary>
    Task MarkFailedAsync(string playbackKey, CancellationToken cancellationToken);

    /// <summary>Takes the playback off the failed list (it was retried, or is not failed).</summary>
    Task ClearFailedAsync(string playbackKey, CancellationToken cancellationToken);

    /// <summary>A page of listed playbacks: pending (<paramref name="failed"/> false) or failed, from a cursor.</summary>
    Task<PlaybackPage> ListAsync(bool failed, string? cursor, int limit, CancellationToken cancellationToken);
}

/// <summary>A page of playback keys and the cursor of the next page (null after the last).</summary>
public sealed record PlaybackPage(IReadOnlyList<string> Keys, string? NextCursor);
