using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Queue;

/// <summary>The store contract in memory, plus its expiry on a fake clock (Redis's TTLs, imitated).</summary>
public sealed class InMemoryPlaybackStoreTests : PlaybackStoreContractTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryPlaybackStore _store;

    public InMemoryPlaybackStoreTests() =>
        _store = new InMemoryPlaybackStore(Options.Create(new PlaybackOptions { Ttl = Ttl }), _time);

    protected override IPlaybackStore Store => _store;

    [Fact]
    public async Task GetAsync_TtlPassedSinceLastChange_Null()
    {
        await ReplayingAsync(Ping(1));

        _time.Advance(Ttl);

        Assert.Null(await Store.GetAsync(Key, CancellationToken.None));
        Assert.Empty(await Store.PeekAsync(Key, 10, CancellationToken.None));
    }

    [Fact]
    public async Task AcceptAsync_WithinTtl_ExtendsTheLifetime()
    {
        await ReplayingAsync(Ping(1));
        _time.Advance(Ttl - TimeSpan.FromMinutes(1));

        await Store.AcceptAsync(Key, [Ping(2)], null, CancellationToken.None);
        _time.Advance(Ttl - TimeSpan.FromMinutes(1));

        Assert.Equal(2L, (await GetAsync()).Queued);
    }

    [Fact]
    public async Task AcceptAsync_SessionStartAfterExpiry_FreshPlaybackStartNeeded()
    {
        await ReplayingAsync(Ping(1));
        _time.Advance(Ttl + TimeSpan.FromSeconds(1));

        var decision = await Store.AcceptAsync(Key, [Start()], null, CancellationToken.None);

        Assert.Equal((true, PlaybackState.Starting), (decision.StartNeeded, decision.State));
        var playback = await GetAsync();
        Assert.Equal((null, 0L), (playback.SessionId, playback.Queued));
    }

    [Fact]
    public async Task GetAsync_PolledUntilTtl_ExpiresLikeRedis()
    {
        await ReplayingAsync(Ping(1));

        _time.Advance(Ttl / 2);
        await Store.GetAsync(Key, CancellationToken.None);
        await Store.PeekAsync(Key, 1, CancellationToken.None);
        _time.Advance(Ttl / 2);

        // Reading the status must not keep a playback alive: only writes refresh its TTL, as in Redis.
        Assert.Null(await Store.GetAsync(Key, CancellationToken.None));
    }
}
