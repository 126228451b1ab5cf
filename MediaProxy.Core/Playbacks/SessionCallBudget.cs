using System.Collections.Concurrent;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Sessions calls take seconds: never more of them than their budget
/// (<see cref="PlaybackOptions.MaxConcurrentSessionCalls"/>), so the worker's other loops stay free for replays.
/// A playback finding no slot waits in memory (no loop held, no Redis traffic) until one is freed.
/// </summary>
internal sealed class SessionCallBudget(int slots) : IDisposable
{
    private readonly SemaphoreSlim _sessionCalls = new(slots);
    private readonly ConcurrentQueue<(string PlaybackKey, TaskCompletionSource Waiter)> _slotWaiters = new();

    // Playbacks waiting here for a slot. The sweeper finds each again when its due time passes (it is marked due
    // SessionCallSlotWait later so other instances leave it alone): it must then only be marked again, not worked
    // (a lease, a read and one more waiter each time: thousands a second when sessions calls back up).
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _noSlot = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes a slot without waiting: a loop must not sit on a playback that cannot start. False when none is
    /// free; the playback is then remembered, for <see cref="SessionCallSlotFreed"/>.
    /// </summary>
    public async Task<bool> TryTakeAsync(string playbackKey, CancellationToken cancellationToken)
    {
        if (await _sessionCalls.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return true;
        }

        _noSlot[playbackKey] = 0;
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="TryTakeAsync"/>, and tells the oldest waiter.</summary>
    public void Release()
    {
        _sessionCalls.Release();
        WakeOneWaiter();
    }

    /// <summary>
    /// After <see cref="TryTakeAsync"/> found no slot for the playback: completes when a slot is free (the oldest
    /// waiter first). Null when the last run of the playback ended for another reason.
    /// </summary>
    public Task? SessionCallSlotFreed(string playbackKey)
    {
        if (!_noSlot.TryRemove(playbackKey, out _))
        {
            return null;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(playbackKey, waiter))
        {
            return _waiting.TryGetValue(playbackKey, out var existing) ? existing.Task : Task.CompletedTask;
        }

        _slotWaiters.Enqueue((playbackKey, waiter));
        if (_sessionCalls.CurrentCount > 0)
        {
            // A slot was freed between the refusal and now, with nobody waiting to hear of it.
            WakeOneWaiter();
        }

        return waiter.Task;
    }

    /// <summary>Whether the playback waits here for a slot (see <see cref="SessionCallSlotFreed"/>).</summary>
    public bool IsWaiting(string playbackKey) => _waiting.ContainsKey(playbackKey);

    public void Dispose() => _sessionCalls.Dispose();

    private void WakeOneWaiter()
    {
        while (_slotWaiters.TryDequeue(out var next))
        {
            _waiting.TryRemove(KeyValuePair.Create(next.PlaybackKey, next.Waiter));
            if (next.Waiter.TrySetResult())
            {
                return;
            }
        }
    }
}
