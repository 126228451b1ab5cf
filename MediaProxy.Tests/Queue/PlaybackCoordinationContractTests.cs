using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StackExchange.Redis.Profiling;

namespace MediaProxy.Tests.Queue;

/// <summary>What leases and the pending index must do, in Redis and in memory alike.</summary>
public abstract class PlaybackCoordinationContractTests
{
    protected static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(30);

    private static CancellationToken None => CancellationToken.None;

    protected string Key { get; } = Guid.NewGuid().ToString("N");

    protected abstract IPlaybackCoordination Coordination { get; }

    [Fact]
    public async Task TryAcquireLeaseAsync_HeldByAnother_False()
    {
        Assert.True(await Coordination.TryAcquireLeaseAsync(Key, "a", LeaseTtl, None));

        Assert.False(await Coordination.TryAcquireLeaseAsync(Key, "b", LeaseTtl, None));
    }

    [Fact]
    public async Task TryAcquireLeaseAsync_ConcurrentOwners_ExactlyOneWins()
    {
        var wins = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Coordination.TryAcquireLeaseAsync(Key, $"owner-{i}", LeaseTtl, None)));

        Assert.Single(wins, won => won);
    }

    [Fact]
    public async Task ReleaseLeaseAsync_NotTheOwner_LeaseKept()
    {
        await Coordination.TryAcquireLeaseAsync(Key, "a", LeaseTtl, None);

        await Coordination.ReleaseLeaseAsync(Key, "b", None);

        Assert.False(await Coordination.TryAcquireLeaseAsync(Key, "b", LeaseTtl, None));
        Assert.True(await Coordination.RenewLeaseAsync(Key, "a", LeaseTtl, None));
    }

    [Fact]
    public async Task RenewLeaseAsync_ExpiredWithNobodyTakingIt_TakenBackByItsOwner()
    {
        // A starved process missed its renewals; nobody else took the playback, so it goes on working it alone.
        await Coordination.TryAcquireLeaseAsync(Key, "a", TimeSpan.FromMilliseconds(1), None);
        await Task.Delay(TimeSpan.FromMilliseconds(50));

        Assert.True(await Coordination.RenewLeaseAsync(Key, "a", LeaseTtl, None));
        Assert.False(await Coordination.TryAcquireLeaseAsync(Key, "b", LeaseTtl, None));
    }

    [Fact]
    public async Task RenewLeaseAsync_ExpiredAndTakenByAnother_Lost()
    {
        await Coordination.TryAcquireLeaseAsync(Key, "a", TimeSpan.FromMilliseconds(1), None);
        await Task.Delay(TimeSpan.FromMilliseconds(50));
        Assert.True(await Coordination.TryAcquireLeaseAsync(Key, "b", LeaseTtl, None));

        Assert.False(await Coordination.RenewLeaseAsync(Key, "a", LeaseTtl, None));
    }

    [Fact]
    public async Task ReleaseLeaseAsync_Owner_AnotherCanTakeIt()
    {
        await Coordination.TryAcquireLeaseAsync(Key, "a", LeaseTtl, None);

        await Coordination.ReleaseLeaseAsync(Key, "a", None);

        Assert.True(await Coordination.TryAcquireLeaseAsync(Key, "b", LeaseTtl, None));
        Assert.False(await Coordination.RenewLeaseAsync(Key, "a", LeaseTtl, None));
    }

    // Due times are an hour ahead and read with a future "now": live instances sharing the test Redis sweep what
    // is due now (and rightly clear entries of unknown playbacks), so only future entries are this test's alone.
    [Fact]
    public async Task DuePendingAsync_MarkedDueSoonerAndLater_OnlyTheDueOne()
    {
        var later = Guid.NewGuid().ToString("N");
        await Coordination.MarkPendingAsync(Key, InAnHour, None);
        await Coordination.MarkPendingAsync(later, InAnHour.AddHours(2), None);

        var due = await Coordination.DuePendingAsync(InAnHour.AddHours(1), 10_000, None);

        Assert.Contains(Key, due);
        Assert.DoesNotContain(later, due);
    }

    [Fact]
    public async Task ClearPendingAsync_ScoreUnchanged_Removed()
    {
        var score = await Coordination.MarkPendingAsync(Key, InAnHour, None);

        await Coordination.ClearPendingAsync(Key, score, None);

        Assert.DoesNotContain(Key, await Coordination.DuePendingAsync(InAnHour.AddHours(1), 10_000, None));
    }

    [Fact]
    public async Task ClearPendingAsync_MarkedAgainMeanwhile_Kept()
    {
        var claimed = await Coordination.MarkPendingAsync(Key, InAnHour, None);
        await Coordination.MarkPendingAsync(Key, InAnHour.AddSeconds(1), None);

        await Coordination.ClearPendingAsync(Key, claimed, None);

        // New work marked while the first owner finished must not be wiped out: it stays due for someone.
        Assert.Contains(Key, await Coordination.DuePendingAsync(InAnHour.AddHours(1), 10_000, None));
    }

    private static DateTimeOffset InAnHour => DateTimeOffset.UtcNow.AddHours(1);
}

public sealed class RedisPlaybackCoordinationTests : PlaybackCoordinationContractTests, IAsyncLifetime
{
    private RedisPlaybackCoordination _coordination = null!;

    protected override IPlaybackCoordination Coordination => _coordination;

    public async Task InitializeAsync() =>
        _coordination = new RedisPlaybackCoordination(await RedisServer.GetMultiplexerAsync(), Options.Create(new PlaybackOptions()), TimeProvider.System);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TryAcquireLeaseAsync_Taken_LeaseKeyHasTtl()
    {
        await Coordination.TryAcquireLeaseAsync(Key, "a", LeaseTtl, CancellationToken.None);

        var ttl = await (await RedisServer.GetMultiplexerAsync()).GetDatabase().KeyTimeToLiveAsync(RedisKeys.Lease(Key));

        Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= LeaseTtl, $"lease TTL {ttl}");
    }

    [Fact]
    public async Task LeaseAndIndexScripts_CalledRepeatedly_SentByShaNotAsText()
    {
        // A script's text on every call (EVAL, plus a SCRIPT LOAD) costs a hash of the text here and a second command
        // there; sent by SHA, the text goes at most once per script (its first call, or after a SCRIPT FLUSH).
        // A multiplexer of its own: a profiler sees every command of its multiplexer, the shared one's included.
        using var redis = await ConnectionMultiplexer.ConnectAsync(await RedisServer.GetConnectionStringAsync() + ",abortConnect=false");
        var session = new ProfilingSession();
        redis.RegisterProfiler(() => session);
        var coordination = new RedisPlaybackCoordination(redis, Options.Create(new PlaybackOptions()), TimeProvider.System);
        const int Rounds = 10;
        // Due an hour from now: an entry due now is found by the sweepers of the proxies other specs run on this
        // Redis, whose workers then take the lease this spec takes again in its next round.
        var later = DateTimeOffset.UtcNow.AddHours(1);

        for (var round = 0; round < Rounds; round++)
        {
            Assert.True(await coordination.TryAcquireLeaseAsync(Key, "a", LeaseTtl, CancellationToken.None));
            Assert.True(await coordination.RenewLeaseAsync(Key, "a", LeaseTtl, CancellationToken.None));
            await coordination.ReleaseLeaseAsync(Key, "a", CancellationToken.None);
            var score = await coordination.MarkPendingAsync(Key, later, CancellationToken.None);
            var moved = await coordination.DeferPendingAsync(Key, score, later.AddSeconds(1), CancellationToken.None);
            await coordination.ClearPendingAsync(Key, moved!.Value, CancellationToken.None);
        }

        var commands = session.FinishProfiling().Select(c => c.Command).ToList();
        var sent = string.Join(", ", commands.GroupBy(c => c).Select(g => $"{g.Key} ×{g.Count()}"));
        Assert.True(commands.Count(c => c == "EVALSHA") == 4 * Rounds, $"{4 * Rounds} script calls sent as: {sent}");
        Assert.True(commands.Count(c => c is "EVAL" or "SCRIPT") <= 2 * 4, $"{4 * Rounds} script calls sent as: {sent}");
    }

    [Fact]
    public void Shard_SameKey_SameShardWithinRange()
    {
        var shard = RedisPlaybackCoordination.Shard(Key);

        Assert.Equal(shard, RedisPlaybackCoordination.Shard(Key));
        Assert.InRange(shard, 0, RedisKeys.PendingShards - 1);
    }
}
