using System.Collections.Concurrent;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Queue;

/// <summary>
/// <see cref="IPlaybackStore"/> in process memory, for the embedded demo mode only: nothing survives a restart,
/// which the host announces loudly at start-up. It follows the Redis scripts step for step (one lock per playback
/// stands in for a script's atomicity) and passes the same store tests.
/// </summary>
public sealed partial class InMemoryPlaybackStore(IOptions<PlaybackOptions> options, TimeProvider timeProvider) : IPlaybackStore
{
    private readonly ConcurrentDictionary<string, Entry> _playbacks = new(StringComparer.Ordinal);
    private const int SweepEvery = 4096;
    private readonly TimeSpan _ttl = options.Value.Ttl;
    private readonly TimeSpan _idempotencyWindow = options.Value.IdempotencyWindow;
    private readonly int _maxQueued = options.Value.MaxQueuedEvents;
    private readonly int _maxHeld = options.Value.MaxHeldEvents;
    private long _operations;

    public Task<AcceptDecision> AcceptAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, CancellationToken cancellationToken) =>
        Locked<AcceptDecision>(playbackKey, create: true, entry =>
        {
            var now = timeProvider.GetUtcNow();
            entry.IdempotencyKeys.RemoveAll(k => k.ExpiresAt <= now);
            var previous = idempotencyKey is null ? -1 : entry.IdempotencyKeys.FindIndex(k => k.Key == idempotencyKey);
            if (previous >= 0)
            {
                return new AcceptDecision(AcceptOutcome.Duplicate, entry.State, false, null, entry.IdempotencyKeys[previous].Count);
            }

            if (entry.State == PlaybackState.Ended || entry.EndAccepted)
            {
                // A repeated sessionEnd is acknowledged, not stored (Adobe drops the repeats); anything else is refused.
                return new AcceptDecision(events.All(e => e.IsEnd) ? AcceptOutcome.EndRepeated : AcceptOutcome.Ended, entry.State, false, null);
            }

            // Read first, write after the cap check: a refused post leaves no trace (as in the Lua script).
            var start = entry.SessionStart is null ? events.FirstOrDefault(e => e.IsSessionStart)?.Json : null;
            var bodies = events.Where(e => !e.IsSessionStart).Select(e => e.Json).ToList();
            var forward = bodies.Count > 0 && entry.State == PlaybackState.Live && entry.Queue.Count == 0;
            var cap = entry.SessionStart is null && start is null ? _maxHeld : _maxQueued;
            if (bodies.Count > 0 && !forward && entry.Queue.Count + bodies.Count > cap)
            {
                return new AcceptDecision(AcceptOutcome.QueueFull, entry.State, false, null, cap);
            }

            var startNeeded = start is not null;
            if (startNeeded)
            {
                entry.SessionStart = start;
                entry.State = entry.State == PlaybackState.AwaitingSessionStart ? PlaybackState.Starting : entry.State;
            }

            entry.EndAccepted |= events.Any(e => e.IsEnd);
            if (idempotencyKey is not null && !forward)
            {
                entry.IdempotencyKeys.Add((idempotencyKey, events.Count, now + _idempotencyWindow));
            }

            var outcome = AcceptOutcome.Stored;
            if (forward)
            {
                outcome = AcceptOutcome.ForwardDirectly;
                entry.Forwarded += bodies.Count;
            }
            else
            {
                foreach (var body in bodies)
                {
                    entry.Queue.AddLast(QueuedEvent.Format(body, timeProvider.GetUtcNow()));
                }
            }

            return new AcceptDecision(outcome, entry.State, startNeeded,
                outcome == AcceptOutcome.ForwardDirectly ? entry.SessionId : null);
        });

    public Task RememberPostAsync(string playbackKey, string idempotencyKey, int count, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            entry.IdempotencyKeys.Add((idempotencyKey, count, timeProvider.GetUtcNow() + _idempotencyWindow));
            return true;
        });

    public Task<PlaybackSnapshot?> GetAsync(string playbackKey, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, touch: false, change: entry => (PlaybackSnapshot?)new PlaybackSnapshot(
            entry.State, entry.SessionId, entry.SessionStart, entry.Resume, entry.Queue.Count,
            entry.Forwarded, entry.DeadLetters.Count, entry.LastError));

    public Task<PlaybackState> SessionCreatedAsync(string playbackKey, string sessionId, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            if (entry.State != PlaybackState.Starting)
            {
                return entry.State;
            }

            entry.SessionId = sessionId;
            entry.Resume = false;
            entry.LastError = null;
            return entry.State = entry.Queue.Count == 0 ? PlaybackState.Live : PlaybackState.Replaying;
        });

    public Task<IReadOnlyList<QueuedEvent>> PeekAsync(string playbackKey, int count, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, touch: false, change: entry => (IReadOnlyList<QueuedEvent>)[.. entry.Queue.Take(count).Select(QueuedEvent.Parse)], missing: []);

    public Task<HeadCompletion?> CompleteHeadAsync(string playbackKey, string expectedHead, bool isEnd, string? deadLetter, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            if (entry.Queue.First?.Value != expectedHead)
            {
                return (HeadCompletion?)null;
            }

            entry.Queue.RemoveFirst();
            entry.HeadAttempts = 0;
            if (deadLetter is null)
            {
                entry.Forwarded++;
                entry.State = isEnd ? PlaybackState.Ended : entry.State;
            }
            else
            {
                entry.DeadLetters.Add(deadLetter);
            }

            if (entry.State == PlaybackState.Replaying && entry.Queue.Count == 0)
            {
                entry.State = PlaybackState.Live;
            }

            var next = entry.State == PlaybackState.Replaying ? QueuedEvent.Parse(entry.Queue.First!.Value) : null;
            return new HeadCompletion(entry.State, next);
        });

    public Task<HeadFailure?> HeadFailedAsync(string playbackKey, string expectedHead, int maxAttempts, string reason, string deadLetter, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            if (entry.Queue.First?.Value != expectedHead)
            {
                return (HeadFailure?)null;
            }

            entry.LastError = reason;
            if (++entry.HeadAttempts < maxAttempts)
            {
                return new HeadFailure(false, entry.State);
            }

            entry.Queue.RemoveFirst();
            entry.HeadAttempts = 0;
            entry.DeadLetters.Add(deadLetter);
            if (entry.State == PlaybackState.Replaying && entry.Queue.Count == 0)
            {
                entry.State = PlaybackState.Live;
            }

            return new HeadFailure(true, entry.State);
        });

    public Task<(bool Retried, PlaybackState State)?> RetryAsync(string playbackKey, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            if (entry.State != PlaybackState.Failed)
            {
                return ((bool, PlaybackState)?)(false, entry.State);
            }

            entry.State = entry.SessionId is null ? PlaybackState.Starting
                : entry.Queue.Count == 0 ? PlaybackState.Live : PlaybackState.Replaying;
            entry.LastError = null;
            entry.HeadAttempts = 0;
            return (true, entry.State);
        });

    public Task<PlaybackState> EndForwardedAsync(string playbackKey, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry => entry.State = PlaybackState.Ended);

    public Task<PlaybackState> RequeueAsync(string playbackKey, IReadOnlyList<PlaybackEvent> events, string reason, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: true, entry =>
        {
            foreach (var e in events)
            {
                entry.Queue.AddLast(QueuedEvent.Format(e.Json, timeProvider.GetUtcNow()));
            }

            entry.Forwarded -= events.Count;
            entry.LastError = reason;
            return entry.State = entry.State == PlaybackState.Live ? PlaybackState.Replaying : entry.State;
        });

    public Task SessionLostAsync(string playbackKey, string reason, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            entry.SessionId = null;
            entry.State = PlaybackState.Starting;
            entry.Resume = true;
            entry.LastError = reason;
            return true;
        });

    public Task DeadLetterAsync(string playbackKey, string deadLetter, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            entry.DeadLetters.Add(deadLetter);
            entry.Forwarded--;
            return true;
        });

    public Task RecordErrorAsync(string playbackKey, string reason, bool fail, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, entry =>
        {
            entry.LastError = reason;
            entry.State = fail ? PlaybackState.Failed : entry.State;
            return true;
        });

    public Task<IReadOnlyList<string>> GetDeadLettersAsync(string playbackKey, CancellationToken cancellationToken) =>
        Locked(playbackKey, create: false, touch: false, change: entry => (IReadOnlyList<string>)[.. entry.DeadLetters], missing: []);
}
