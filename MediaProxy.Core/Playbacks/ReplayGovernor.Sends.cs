namespace MediaProxy.Core.Playbacks;

// The slots themselves: two semaphores whose size the policy in ReplayGovernor.cs moves (Allowed), waiters served
// in order. One lane is the replay's sends; the other is the recording of a session just answered, the replay's
// first store command. Each lane has the limit to itself, so a recording never waits behind queued sends (or a
// send held by a slow upstream), yet a thousand sessions answered at once do not queue a thousand scripts on the
// store's connection ahead of the posts.
public sealed partial class ReplayGovernor
{
    private sealed class Lane
    {
        public int InFlight;
        public readonly Queue<TaskCompletionSource> Waiters = new();
    }

    private readonly Lane _sends = new();
    private readonly Lane _recordings = new();

    /// <summary>Sessions being recorded now.</summary>
    public int RecordingsInFlight
    {
        get
        {
            lock (_gate)
            {
                return _recordings.InFlight;
            }
        }
    }

    // Nothing of the replay's running now (a post measured meanwhile tells the idle time).
    private bool ReplayIdle => _sends.InFlight == 0 && _recordings.InFlight == 0;

    /// <summary>Waits for a replay send slot. Every completed wait must be matched by one <see cref="Exit"/>.</summary>
    public Task EnterAsync(CancellationToken cancellationToken) => EnterLaneAsync(_sends, cancellationToken);

    /// <summary>A replay send (the upstream call and the pop after it) ended.</summary>
    public void Exit() => ExitLane(_sends);

    /// <summary>
    /// Waits for a slot to record a session just answered. Every completed wait must be matched by one
    /// <see cref="ExitRecording"/>.
    /// </summary>
    public Task EnterRecordingAsync(CancellationToken cancellationToken) => EnterLaneAsync(_recordings, cancellationToken);

    /// <summary>A session's recording ended.</summary>
    public void ExitRecording() => ExitLane(_recordings);

    private Task EnterLaneAsync(Lane lane, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            LiftIfNoPosts();
            StartGentlyWhilePostsArrive();
            StartProbeIfDue();
            if (lane.InFlight < Allowed)
            {
                lane.InFlight++;
                _started++;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lane.Waiters.Enqueue(waiter);
        }

        return WaitAsync(lane, waiter, cancellationToken);
    }

    private void ExitLane(Lane lane)
    {
        lock (_gate)
        {
            lane.InFlight--;
            _lastSendEnded = _time.GetTimestamp();
            EndProbe(_lastSendEnded, measured: false);
            LiftIfNoPosts();
            WakeWaiters();
        }
    }

    private async Task WaitAsync(Lane lane, TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        try
        {
            await waiter.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (!waiter.TrySetCanceled(cancellationToken))
                {
                    // The slot was granted as the wait was cancelled: give it back.
                    lane.InFlight--;
                    WakeWaiters();
                }
            }

            throw;
        }
    }

    private void WakeWaiters()
    {
        Wake(_recordings);
        Wake(_sends);
    }

    private void Wake(Lane lane)
    {
        while (lane.InFlight < Allowed && lane.Waiters.TryDequeue(out var waiter))
        {
            // A cancelled waiter refuses the slot; the next one gets it.
            if (waiter.TrySetResult())
            {
                lane.InFlight++;
                _started++;
            }
        }
    }
}
