using Microsoft.Extensions.Hosting;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// A background service that runs <see cref="RunOnceAsync"/> at start-up, then every <paramref name="interval"/>
/// (on the given <see cref="TimeProvider"/>, so tests can move time), or sooner when asked to
/// (<see cref="RunSoon"/>), until the host stops. A turn that fails must handle its own errors: an exception
/// escaping it stops the service.
/// </summary>
public abstract class PeriodicBackgroundService(TimeSpan interval, TimeProvider timeProvider) : BackgroundService
{
    private TaskCompletionSource _wake = NewWake();

    protected TimeProvider Time { get; } = timeProvider;

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    /// <summary>The next turn runs now instead of at the next tick (after the current one, if one is running).</summary>
    protected void RunSoon() => Volatile.Read(ref _wake).TrySetResult();

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        Task<bool>? tick = null;
        try
        {
            while (true)
            {
                // Reset before the turn: a wake-up that comes while it runs asks for one more.
                if (Volatile.Read(ref _wake).Task.IsCompleted)
                {
                    Volatile.Write(ref _wake, NewWake());
                }

                await RunOnceAsync(stoppingToken);
                tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
                if (await Task.WhenAny(tick, Volatile.Read(ref _wake).Task) == tick)
                {
                    if (!await tick)
                    {
                        return;
                    }

                    tick = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
