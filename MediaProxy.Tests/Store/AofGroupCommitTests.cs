using MediaProxy.Api.Hosting.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace MediaProxy.Tests.Store;

/// <summary>
/// The embedded store's group commit, on a commit the spec controls: a waiter is released only by a commit that
/// started after it joined, waiters are grouped, and a failed commit is a store error, not a lost promise.
/// </summary>
public sealed class AofGroupCommitTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<TaskCompletionSource> _commits = [];
    private readonly AofGroupCommit _group;
    private bool _autoComplete;

    public AofGroupCommitTests()
    {
        _group = new AofGroupCommit(_ =>
        {
            var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_commits)
            {
                _commits.Add(commit);
                if (_autoComplete)
                {
                    commit.SetResult();
                }
            }

            return new ValueTask(commit.Task);
        }, _time, NullLogger.Instance);
    }

    public void Dispose()
    {
        lock (_commits)
        {
            _autoComplete = true;
            _commits.ForEach(c => c.TrySetResult());
        }

        _group.Dispose();
    }

    [Fact]
    public async Task WaitCommitted_JoinedWhileACommitRuns_ReleasedOnlyByTheNextCommit()
    {
        var first = _group.WaitCommittedAsync(CancellationToken.None).AsTask();
        await CommitStartedAsync(1);

        var second = _group.WaitCommittedAsync(CancellationToken.None).AsTask();
        Complete(0);
        await first;
        Assert.False(second.IsCompleted);

        await CommitStartedAsync(2);
        Complete(1);
        await second;
    }

    [Fact]
    public async Task WaitCommitted_ManyJoinDuringOneCommit_OneMoreCommitServesThemAll()
    {
        var first = _group.WaitCommittedAsync(CancellationToken.None).AsTask();
        await CommitStartedAsync(1);

        var joined = Enumerable.Range(0, 100).Select(_ => _group.WaitCommittedAsync(CancellationToken.None).AsTask()).ToList();
        Complete(0);
        await first;
        await CommitStartedAsync(2);
        Complete(1);
        await Task.WhenAll(joined);

        Assert.Equal(2, CommitCount);
    }

    [Fact]
    public async Task WaitCommitted_CommitFails_WaitersGetAStoreError()
    {
        var waiter = _group.WaitCommittedAsync(CancellationToken.None).AsTask();
        await CommitStartedAsync(1);

        lock (_commits)
        {
            _commits[0].SetException(new IOException("disk full"));
        }

        var error = await Assert.ThrowsAsync<RedisException>(() => waiter);
        Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timer_NobodyWaits_CommitsEveryBackgroundInterval()
    {
        Assert.Equal(0, CommitCount);

        _time.Advance(AofGroupCommit.BackgroundInterval);

        await CommitStartedAsync(1);
        Complete(0);
    }

    [Fact]
    public void Dispose_NobodyWaits_CommitsWhatIsLeftBeforeTheStoreStops()
    {
        lock (_commits)
        {
            _autoComplete = true;
        }

        _group.Dispose();

        Assert.Equal(1, CommitCount);
    }

    private int CommitCount
    {
        get
        {
            lock (_commits)
            {
                return _commits.Count;
            }
        }
    }

    private void Complete(int index)
    {
        lock (_commits)
        {
            _commits[index].SetResult();
        }
    }

    // The commit runs on the thread pool: wait (without a time limit) until it has been called.
    private async Task CommitStartedAsync(int count)
    {
        while (CommitCount < count)
        {
            await Task.Delay(1);
        }
    }
}
