using Microsoft.Extensions.Hosting;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// A background service that runs <see cref="RunOnceAsync"/> at start-up, then every <paramref name="interval"/>
/// (on the given <see cref="TimeProvider"/>, so tests can move time), until the host stops. A turn that fails
/// must handle its own errors: an exception escaping it stops the service.
/// </summary>
public abstract class PeriodicBackgroundService(TimeSpan interval, TimeProvider timeProvider) : BackgroundService
{
    protected TimeProvider Time { get; } = timeProvider;

    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
