using System.Collections.Concurrent;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;

namespace MediaProxy.Tests.Playbacks;

/// <summary>Counts the store commands a component sends, by method: as they are sent, and once completed.</summary>
internal sealed class CommandCounts
{
    private readonly ConcurrentDictionary<string, int> _started = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _completed = new(StringComparer.Ordinal);

    /// <summary>Commands sent (completed or not).</summary>
    public int Total => _started.Values.Sum();

    /// <summary>Commands of <paramref name="method"/> completed.</summary>
    public int this[string method] => _completed.GetValueOrDefault(method);

    /// <summary>Commands of <paramref name="method"/> sent (completed or not).</summary>
    public int Started(string method) => _started.GetValueOrDefault(method);

    public void Reset()
    {
        _started.Clear();
        _completed.Clear();
    }

    /// <summary>The next call of this method fails (as an unreachable store would), once.</summary>
    public string? FailOnce { get; set; }

    public async Task<T> CountAsync<T>(string method, Func<Task<T>> call)
    {
        _started.AddOrUpdate(method, 1, (_, n) => n + 1);
        ThrowIfFailing(method);
        var result = await call();
        _completed.AddOrUpdate(method, 1, (_, n) => n + 1);
        return result;
    }

    public async Task CountAsync(string method, Func<Task> call)
    {
        _started.AddOrUpdate(method, 1, (_, n) => n + 1);
        ThrowIfFailing(method);
        await call();
        _completed.AddOrUpdate(method, 1, (_, n) => n + 1);
    }

    private void ThrowIfFailing(string method)
    {
        if (method == FailOnce)
        {
            FailOnce = null;
            throw new InvalidOperationException($"{method} failed (injected)");
        }
    }

    public override string ToString() => string.Join(", ", _started.OrderBy(c => c.Key, StringComparer.Ordinal)
        .Select(c => $"{c.Key}={_completed.GetValueOrDefault(c.Key)}/{c.Value}"));
}

/// <summary>The Redis coordination, every call counted (a decorator of our interface; Redis itself is real).</summary>
internal sealed class CountingCoordination(IPlaybackCoordination inner) : IPlaybackCoordination
{
    public CommandCounts Calls { get; } = new();

    /// <summary>The <c>max</c> of each <see cref="DuePendingAsync"/> call, in order.</summary>
    public ConcurrentQueue<int> DueReads { get; } = new();

    public Task<bool> TryAcquireLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(TryAcquireLeaseAsync), () => inner.TryAcquireLeaseAsync(playbackKey, owner, ttl, cancellationToken));

    public Task<bool> RenewLeaseAsync(string playbackKey, string owner, TimeSpan ttl, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(RenewLeaseAsync), () => inner.RenewLeaseAsync(playbackKey, owner, ttl, cancellationToken));

    public Task ReleaseLeaseAsync(string playbackKey, string owner, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(ReleaseLeaseAsync), () => inner.ReleaseLeaseAsync(playbackKey, owner, cancellationToken));

    public Task<long> MarkPendingAsync(string playbackKey, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(MarkPendingAsync), () => inner.MarkPendingAsync(playbackKey, dueAt, cancellationToken));

    public Task<long?> DeferPendingAsync(string playbackKey, long score, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(DeferPendingAsync), () => inner.DeferPendingAsync(playbackKey, score, dueAt, cancellationToken));

    public Task ClearPendingAsync(string playbackKey, long score, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(ClearPendingAsync), () => inner.ClearPendingAsync(playbackKey, score, cancellationToken));

    public Task<IReadOnlyList<string>> DuePendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        DueReads.Enqueue(max);
        return Calls.CountAsync(nameof(DuePendingAsync), () => inner.DuePendingAsync(now, max, cancellationToken));
    }

    public Task<long> CountAsync(bool failed, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(CountAsync), () => inner.CountAsync(failed, cancellationToken));

    public Task<IReadOnlyList<string>> SamplePendingAsync(int size, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(SamplePendingAsync), () => inner.SamplePendingAsync(size, cancellationToken));

    public Task MarkFailedAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(MarkFailedAsync), () => inner.MarkFailedAsync(playbackKey, cancellationToken));

    public Task ClearFailedAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(ClearFailedAsync), () => inner.ClearFailedAsync(playbackKey, cancellationToken));

    public Task<PlaybackPage> ListAsync(bool failed, string? cursor, int limit, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(ListAsync), () => inner.ListAsync(failed, cursor, limit, cancellationToken));
}

/// <summary>The Redis playback store, every call counted (a decorator of our interface; Redis itself is real).</summary>
internal sealed class CountingStore(IPlaybackStore inner) : IPlaybackStore
{
    public CommandCounts Calls { get; } = new();

    public Task<AcceptDecision> AcceptAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, AcceptConditions conditions, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(AcceptAsync), () => inner.AcceptAsync(playbackKey, events, idempotencyKey, conditions, cancellationToken));

    public Task RememberPostAsync(string playbackKey, string idempotencyKey, int count, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(RememberPostAsync), () => inner.RememberPostAsync(playbackKey, idempotencyKey, count, cancellationToken));

    public Task<PlaybackSnapshot?> GetAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(GetAsync), () => inner.GetAsync(playbackKey, cancellationToken));

    public Task<SessionRecorded> SessionCreatedAsync(string playbackKey, string sessionId, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(SessionCreatedAsync), () => inner.SessionCreatedAsync(playbackKey, sessionId, cancellationToken));

    public Task<IReadOnlyList<QueuedEvent>> PeekAsync(string playbackKey, int count, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(PeekAsync), () => inner.PeekAsync(playbackKey, count, cancellationToken));

    public Task<HeadCompletion?> CompleteHeadAsync(string playbackKey, string expectedHead, bool isEnd, string? deadLetter, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(CompleteHeadAsync), () => inner.CompleteHeadAsync(playbackKey, expectedHead, isEnd, deadLetter, cancellationToken));

    public Task<(bool Retried, PlaybackState State)?> RetryAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(RetryAsync), () => inner.RetryAsync(playbackKey, cancellationToken));

    public Task<PlaybackState> EndForwardedAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(EndForwardedAsync), () => inner.EndForwardedAsync(playbackKey, cancellationToken));

    public Task DeadLetterAsync(string playbackKey, string deadLetter, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(DeadLetterAsync), () => inner.DeadLetterAsync(playbackKey, deadLetter, cancellationToken));

    public Task<PlaybackState> RequeueAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string reason, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(RequeueAsync), () => inner.RequeueAsync(playbackKey, events, reason, cancellationToken));

    public Task SessionLostAsync(string playbackKey, string reason, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(SessionLostAsync), () => inner.SessionLostAsync(playbackKey, reason, cancellationToken));

    public Task<int> RecordErrorAsync(string playbackKey, string reason, PlaybackError kind, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(RecordErrorAsync), () => inner.RecordErrorAsync(playbackKey, reason, kind, cancellationToken));

    public Task<IReadOnlyList<string>> GetDeadLettersAsync(string playbackKey, CancellationToken cancellationToken) =>
        Calls.CountAsync(nameof(GetDeadLettersAsync), () => inner.GetDeadLettersAsync(playbackKey, cancellationToken));
}
