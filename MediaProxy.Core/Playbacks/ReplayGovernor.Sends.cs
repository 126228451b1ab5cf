namespace MediaProxy.Core.Playbacks;

// The send slots themselves: a semaphore whose size the policy in ReplayGovernor.cs moves (Allowed), waiters served
// in order.
public sealed partial class ReplayGovernor
{
    /// <summary>Waits for a replay send slot. Every completed wait must be matched by one <see cref="Exit"/>.</summary>
    public Task EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            LiftIfNoPosts();
            StartGentlyWhilePostsArrive();
            StartProbeIfDue();
            if (_inFlight < Allowed)
            {
                _inFlight++;
                _sendsStarted++;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>A replay send (the upstream call and the pop after it) ended.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
            _lastSendEnded = _time.GetTimestamp();
            EndProbe(_lastSendEnded, measured: false);
            LiftIfNoPosts();
            WakeWaiters();
        }
    }

    private async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
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
                    _inFlight--;
                    WakeWaiters();
                }
            }

            throw;
        }
    }

    private void WakeWaiters()
    {
        while (_inFlight < Allowed && _waiters.TryDequeue(out var waiter))
        {
            // A cancelled waiter refuses the slot; the next one gets it.
            if (waiter.TrySetResult())
            {
                _inFlight++;
                _sendsStarted++;
            }
        }
    }
}
