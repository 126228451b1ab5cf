using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// <see cref="IPlaybackStore"/> on Redis: one script call (one round trip) per operation. The key layout is
/// documented in <see cref="RedisKeys"/> and the scripts in <see cref="RedisScripts"/>. Every write returns once
/// <paramref name="commits"/> says it is durable.
/// </summary>
public sealed class RedisPlaybackStore(IConnectionMultiplexer redis, IOptions<PlaybackOptions> options, TimeProvider timeProvider, IStoreCommits? commits = null) : IPlaybackStore
{
    private readonly IStoreCommits _commits = commits ?? ImmediateCommits.Instance;
    private readonly RedisValue _ttlSeconds = (long)Math.Ceiling(options.Value.Ttl.TotalSeconds);
    private readonly long _idempotencyMs = (long)options.Value.IdempotencyWindow.TotalMilliseconds;
    private readonly RedisValue _heldTtlSeconds = (long)Math.Ceiling(options.Value.HeldEventsTtl.TotalSeconds);

    private IDatabase Db => redis.GetDatabase();

    public async Task<AcceptDecision> AcceptAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, AcceptConditions conditions, CancellationToken cancellationToken)
    {
        const int Fixed = 9;
        var now = timeProvider.GetUtcNow();
        var args = new RedisValue[Fixed + (events.Count * 2)];
        args[0] = _ttlSeconds;
        args[1] = idempotencyKey is null ? 0 : _idempotencyMs;
        args[2] = options.Value.MaxQueuedEvents;
        args[3] = options.Value.MaxHeldEvents;
        args[4] = conditions.RefuseNew ? "1" : "0";
        args[5] = now.ToUnixTimeMilliseconds();
        args[6] = conditions.QueueWhenLive ? "1" : "0";
        args[7] = _heldTtlSeconds;
        args[8] = options.Value.MaxHeldBytes;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            args[Fixed + (i * 2)] = e.IsSessionStart ? "s" : e.IsEnd ? "e" : "n";
            // The sessionStart goes to the meta as the sessions call body; the others may be queued. Both packed.
            args[Fixed + 1 + (i * 2)] = e.IsSessionStart ? CompactJson.Pack(e.Json) : QueuedEvent.Format(e.Json, now);
        }

        RedisKey[] keys =
        [
            RedisKeys.Meta(playbackKey), RedisKeys.Queue(playbackKey),
            RedisKeys.Idempotency(playbackKey, IdempotencyKeys.Hash(idempotencyKey)), RedisKeys.DeadLetters(playbackKey),
        ];
        var result = (RedisResult[])(await EvalAsync(RedisScripts.Accept, keys, args, cancellationToken))!;
        var outcome = (string?)result[0] switch
        {
            "forward" => AcceptOutcome.ForwardDirectly,
            "ended" => AcceptOutcome.Ended,
            "endRepeated" => AcceptOutcome.EndRepeated,
            "duplicate" => AcceptOutcome.Duplicate,
            "full" => AcceptOutcome.QueueFull,
            "busy" => AcceptOutcome.StoreFull,
            _ => AcceptOutcome.Stored,
        };
        var sessionId = (string?)result[3];
        return new AcceptDecision(outcome, PlaybackStates.Parse((string?)result[1]), (int)result[2] == 1,
            string.IsNullOrEmpty(sessionId) || outcome != AcceptOutcome.ForwardDirectly ? null : sessionId, (int)result[4])
        {
            Created = result.Length > 5 && (int)result[5] == 1,
        };
    }

    public Task RememberPostAsync(string playbackKey, string idempotencyKey, int count, CancellationToken cancellationToken)
    {
        // Fire and forget: the events are delivered (or queued) already, and the record only guards against a
        // repeat. It goes out on this instance's one connection ahead of its next Accept; a repeat racing it on
        // another instance is forwarded again (at least once), as after a lost record.
        cancellationToken.ThrowIfCancellationRequested();
        return Db.StringSetAsync(RedisKeys.Idempotency(playbackKey, IdempotencyKeys.Hash(idempotencyKey)), count,
            TimeSpan.FromMilliseconds(_idempotencyMs), flags: CommandFlags.FireAndForget);
    }

    public async Task<(bool Retried, PlaybackState State)?> RetryAsync(string playbackKey, CancellationToken cancellationToken)
    {
        var values = (RedisResult[])(await EvalAsync(RedisScripts.Retry, Keys(playbackKey), [_ttlSeconds], cancellationToken))!;
        var state = (string?)values[1];
        return string.IsNullOrEmpty(state) ? null : ((int)values[0] == 1, PlaybackStates.Parse(state));
    }

    public async Task<PlaybackSnapshot?> GetAsync(string playbackKey, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await ReadAsync(RedisScripts.Get, Keys(playbackKey), [], cancellationToken))!;
        var fields = (RedisResult[])result[0]!;
        if (fields.Length == 0)
        {
            return null;
        }

        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            meta[(string)fields[i]!] = (string)fields[i + 1]!;
        }

        return new PlaybackSnapshot(
            PlaybackStates.Parse(meta.GetValueOrDefault("state")),
            meta.GetValueOrDefault("sid"),
            meta.GetValueOrDefault("start") is { } start ? CompactJson.Unpack(start) : null,
            meta.GetValueOrDefault("resume") == "1",
            (long)result[1],
            long.TryParse(meta.GetValueOrDefault("forwarded"), out var forwarded) ? forwarded : 0,
            long.TryParse(meta.GetValueOrDefault("dead"), out var dead) ? dead : 0,
            meta.GetValueOrDefault("lastError"))
        {
            StartAcceptedAt = long.TryParse(meta.GetValueOrDefault("startAt"), out var startAt) ? DateTimeOffset.FromUnixTimeMilliseconds(startAt) : null,
            Failures = int.TryParse(meta.GetValueOrDefault("failures"), out var failures) ? failures : 0,
            SessionCallTimedOut = meta.GetValueOrDefault("timedOut") == "1",
        };
    }

    public async Task<SessionRecorded> SessionCreatedAsync(string playbackKey, string sessionId, CancellationToken cancellationToken)
    {
        var values = (RedisResult[])(await EvalAsync(RedisScripts.SessionCreated, Keys(playbackKey), [_ttlSeconds, sessionId], cancellationToken))!;
        return new SessionRecorded(PlaybackStates.Parse((string?)values[0]), (long)values[1]) { Head = EntryOrNull(values[2]) };
    }

    public async Task<IReadOnlyList<QueuedEvent>> PeekAsync(string playbackKey, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await Db.ListRangeAsync(RedisKeys.Queue(playbackKey), 0, count - 1);
        return [.. values.Select(v => QueuedEvent.Parse(v!))];
    }

    public async Task<HeadCompletion?> CompleteHeadAsync(string playbackKey, string expectedHead, bool isEnd, string? deadLetter, CancellationToken cancellationToken)
    {
        RedisKey[] keys = [RedisKeys.Meta(playbackKey), RedisKeys.Queue(playbackKey), RedisKeys.DeadLetters(playbackKey)];
        var result = await EvalAsync(RedisScripts.CompleteHead, keys, [_ttlSeconds, expectedHead, isEnd ? "1" : "0", deadLetter ?? string.Empty], cancellationToken);
        if (result.IsNull)
        {
            return null;
        }

        var values = (RedisResult[])result!;
        return new HeadCompletion(PlaybackStates.Parse((string?)values[0]), EntryOrNull(values[1]));
    }

    public async Task<PlaybackState> EndForwardedAsync(string playbackKey, CancellationToken cancellationToken) =>
        ParseState(await EvalAsync(RedisScripts.EndForwarded, Keys(playbackKey), [_ttlSeconds], cancellationToken));

    public Task DeadLetterAsync(string playbackKey, string deadLetter, CancellationToken cancellationToken) =>
        EvalAsync(RedisScripts.DeadLetter, [RedisKeys.Meta(playbackKey), RedisKeys.Queue(playbackKey), RedisKeys.DeadLetters(playbackKey)],
            [_ttlSeconds, deadLetter], cancellationToken);

    public async Task<PlaybackState> RequeueAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string reason, CancellationToken cancellationToken)
    {
        var args = new RedisValue[2 + events.Count];
        args[0] = _ttlSeconds;
        args[1] = reason;
        var now = timeProvider.GetUtcNow();
        for (var i = 0; i < events.Count; i++)
        {
            args[2 + i] = QueuedEvent.Format(events[i].Json, now);
        }

        return ParseState(await EvalAsync(RedisScripts.Requeue, Keys(playbackKey), args, cancellationToken));
    }

    public Task SessionLostAsync(string playbackKey, string reason, CancellationToken cancellationToken) =>
        EvalAsync(RedisScripts.SessionLost, Keys(playbackKey), [_ttlSeconds, reason], cancellationToken);

    public async Task<int> RecordErrorAsync(string playbackKey, string reason, PlaybackError kind, CancellationToken cancellationToken) =>
        (int)await EvalAsync(RedisScripts.RecordError, Keys(playbackKey), [_ttlSeconds, reason, kind switch
        {
            PlaybackError.Failed => "fail",
            PlaybackError.SessionsCallTimedOut => "timeout",
            _ => "retry",
        }], cancellationToken);

    public async Task<IReadOnlyList<string>> GetDeadLettersAsync(string playbackKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await Db.ListRangeAsync(RedisKeys.DeadLetters(playbackKey));
        return [.. values.Select(v => (string)v!)];
    }

    private static RedisKey[] Keys(string playbackKey) => [RedisKeys.Meta(playbackKey), RedisKeys.Queue(playbackKey)];

    private static PlaybackState ParseState(RedisResult result) => PlaybackStates.Parse((string?)result);

    // A queue entry a script brought back, or nil (Lua's false) when there was none.
    private static QueuedEvent? EntryOrNull(RedisResult result) => (string?)result is { } entry ? QueuedEvent.Parse(entry) : null;

    // A write: answered once the store has committed it (the embedded store's group commit), as a 202 rests on it.
    private async Task<RedisResult> EvalAsync(ShaScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        var result = await ReadAsync(script, keys, args, cancellationToken);
        await _commits.WaitCommittedAsync(cancellationToken);
        return result;
    }

    // StackExchange.Redis takes no CancellationToken: the token is checked before sending; once sent, a script
    // runs to completion (scripts are atomic, so there is never anything half-done to undo). A read waits for no commit.
    private Task<RedisResult> ReadAsync(ShaScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return script.EvaluateAsync(Db, keys, args);
    }
}
