using MediaProxy.Core.Queue;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>
/// Group commit of the embedded store's append-only file. A write that waits joins the next commit; one commit runs
/// at a time and serves everyone who joined while the previous one ran, so a busy proxy commits a few hundred times
/// a second, not once per write, and no store thread is blocked meanwhile. Writes nobody waits for (leases, the
/// schedule) are committed within <see cref="BackgroundInterval"/>.
/// </summary>
internal sealed partial class AofGroupCommit : IStoreCommits, IDisposable
{
    public static readonly TimeSpan BackgroundInterval = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask> _commit;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _next;
    private bool _committing;
    private int _disposed;

    public AofGroupCommit(Func<CancellationToken, ValueTask> commit, TimeProvider timeProvider, ILogger logger)
    {
        (_commit, _logger) = (commit, logger);
        _timer = timeProvider.CreateTimer(_ => _ = CommitInBackgroundAsync(), null, BackgroundInterval, BackgroundInterval);
    }

    public ValueTask WaitCommittedAsync(CancellationToken cancellationToken)
    {
        Task joined;
        lock (_gate)
        {
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            joined = _next.Task;
            if (!_committing)
            {
                _committing = true;
                _ = Task.Run(CommitWhileJoinedAsync, CancellationToken.None);
            }
        }

        return new ValueTask(cancellationToken.CanBeCanceled ? joined.WaitAsync(cancellationToken) : joined);
    }

    /// <summary>Commits what is left, for a graceful stop: the timer is stopped first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _timer.Dispose();
        if (!WaitCommittedAsync(CancellationToken.None).AsTask().Wait(TimeSpan.FromSeconds(10)))
        {
            LogFinalCommitSlow(_logger);
        }
    }

    private async Task CommitWhileJoinedAsync()
    {
        while (true)
        {
            TaskCompletionSource group;
            lock (_gate)
            {
                if (_next is null)
                {
                    _committing = false;
                    return;
                }

                // Everyone in this group joined after their write was answered, so this commit covers it.
                (group, _next) = (_next, null);
            }

            try
            {
                await _commit(CancellationToken.None);
                group.SetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogCommitFailed(_logger, ex.Message);
                // The store's callers know what a RedisException means: the outcome is unknown, answer 503.
                group.SetException(new RedisException($"The embedded store could not commit its append-only file: {ex.Message}", ex));
            }
        }
    }

    private async Task CommitInBackgroundAsync()
    {
        try
        {
            await WaitCommittedAsync(CancellationToken.None);
        }
        catch (RedisException)
        {
            // Logged by the commit; the next one tries again.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded store: committing the append-only file failed: {Reason}")]
    private static partial void LogCommitFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded store: the last commit of the append-only file did not finish within 10 s")]
    private static partial void LogFinalCommitSlow(ILogger logger);
}
