using System.Collections.Concurrent;

namespace MediaProxy.Core.Queue;

/// <summary><see cref="IPlaybackCoordination"/> for the single-process demo mode, following the Redis semantics.</summary>
public sealed class InMemoryPlaybackCoordination(TimeProvider timeProvider) : IPlaybackCoordination
{
    private readonly ConcurrentDictionary<string, (string Owner, DateTimeOffset ExpiresAt)> _leases = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public Task<bool> TryAcquireLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var lease = (owner, now + ttl);
        lock (_leases)
        {
            if (_leases.TryGetValue(playbackKey, out var held) && held.ExpiresAt > now)
            {
                return Task.FromResult(false);
            }

            _leases[playbackKey] = lease;
            return Task.FromResult(true);
        }
    }

    public Task<bool> RenewLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        lock (_leases)
        {
            if (!_leases.TryGetValue(playbackKey, out var held) || held.Owner != owner || held.ExpiresAt <= now)
            {
                return Task.FromResult(false);
            }

            _leases[playbackKey] = (owner, now + ttl);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseLeaseAsync(string playbackKey, string owner, CancellationToken cancellationToken)
    {
        lock (_leases)
        {
            if (_leases.TryGetValue(playbackKey, out var held) && held.Owner == owner)
            {
                _leases.TryRemove(playbackKey, out _);
            }
        }

        return Task.CompletedTask;
    }

    public Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var score = dueAt.ToUnixTimeMilliseconds();
        _pending[playbackKey] = score;
        return Task.FromResult(score);
    }

    public Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken)
    {
        _pending.TryRemove(KeyValuePair.Create(playbackKey, score));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var due = now.ToUnixTimeMilliseconds();
        return Task.FromResult<IReadOnlyList<string>>([.. _pending.Where(p => p.Value <= due).OrderBy(p => p.Value).Take(max).Select(p => p.Key)]);
    }
}
