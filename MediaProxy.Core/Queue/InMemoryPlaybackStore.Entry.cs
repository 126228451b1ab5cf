using MediaProxy.Core.Playbacks;

namespace MediaProxy.Core.Queue;

/// <summary>
/// One playback's state in memory and the lock that stands in for a Redis script's atomicity, with expiry that
/// behaves like Redis's TTLs.
/// </summary>
public sealed partial class InMemoryPlaybackStore
{
    private Task<T> Locked<T>(string playbackKey, bool create, Func<Entry, T> change, T missing = default!) =>
        Locked(playbackKey, create, touch: true, change, missing);

    /// <summary>Runs <paramref name="change"/> under the playback's lock; like Redis's TTLs, only writes (touch) extend its life.</summary>
    private Task<T> Locked<T>(string playbackKey, bool create, bool touch, Func<Entry, T> change, T missing = default!)
    {
        var now = timeProvider.GetUtcNow();
        if (_playbacks.TryGetValue(playbackKey, out var existing) && existing.ExpiresAt <= now)
        {
            _playbacks.TryRemove(KeyValuePair.Create(playbackKey, existing));
        }

        // Like Redis's TTLs, expired playbacks must not pile up: sweep them now and then.
        if (Interlocked.Increment(ref _operations) % SweepEvery == 0)
        {
            foreach (var expired in _playbacks.Where(p => p.Value.ExpiresAt <= now))
            {
                _playbacks.TryRemove(expired);
            }
        }

        // A new entry is born with its expiry set, so a concurrent sweep never takes it for an expired one.
        Entry? entry = create ? _playbacks.GetOrAdd(playbackKey, static (_, expiresAt) => new Entry { ExpiresAt = expiresAt }, now + _ttl)
            : _playbacks.GetValueOrDefault(playbackKey);
        if (entry is null)
        {
            return Task.FromResult(missing);
        }

        lock (entry)
        {
            if (touch)
            {
                entry.ExpiresAt = now + _ttl;
            }

            return Task.FromResult(change(entry));
        }
    }

    private sealed class Entry
    {
        public PlaybackState State { get; set; } = PlaybackState.AwaitingSessionStart;
        public string? SessionStart { get; set; }
        public string? SessionId { get; set; }
        public bool Resume { get; set; }
        public bool EndAccepted { get; set; }
        public long Forwarded { get; set; }
        public string? LastError { get; set; }
        public LinkedList<string> Queue { get; } = new();
        public List<string> DeadLetters { get; } = [];
        public List<(string Key, int Count, DateTimeOffset ExpiresAt)> IdempotencyKeys { get; } = [];
        public int HeadAttempts { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
    }
}
