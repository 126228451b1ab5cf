using System.Text;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Tests.Queue;

/// <summary>The store contract on a real redis-server, plus what only Redis has: TTLs and hash slots.</summary>
public sealed class RedisPlaybackStoreTests : PlaybackStoreContractTests, IAsyncLifetime
{
    private IConnectionMultiplexer _redis = null!;
    private RedisPlaybackStore _store = null!;

    protected override IPlaybackStore Store => _store;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.GetMultiplexerAsync();
        _store = new RedisPlaybackStore(_redis, Options.Create(new PlaybackOptions { Ttl = Ttl, MaxHeldBytes = HeldBytes }), TimeProvider.System);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Store_PlaybackWithQueueAndDeadLetter_EveryKeyHasTheTtl()
    {
        await ReplayingAsync(Ping(1), Ping(2));
        await Store.CompleteHeadAsync(Key, await EntryAsync(0), isEnd: false, deadLetter: "{}", CancellationToken.None);

        foreach (var key in new[] { RedisKeys.Meta(Key), RedisKeys.Queue(Key), RedisKeys.DeadLetters(Key) })
        {
            var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } t && t > TimeSpan.Zero && t <= Ttl, $"{key} has TTL {ttl?.ToString() ?? "none"}");
        }
    }

    [Fact]
    public async Task AcceptAsync_EventsBeforeAnySessionStart_KeptForTheHeldTtlOnlyThenTheFullTtl()
    {
        await Store.AcceptAsync(Key, [Ping(1)], null, CancellationToken.None);
        var held = await _redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Queue(Key));
        await Store.AcceptAsync(Key, [Start()], null, CancellationToken.None);
        var started = await _redis.GetDatabase().KeyTimeToLiveAsync(RedisKeys.Queue(Key));

        Assert.True(held is { } h && h <= new PlaybackOptions().HeldEventsTtl, $"held TTL {held}");
        Assert.True(started is { } s && s > new PlaybackOptions().HeldEventsTtl && s <= Ttl, $"TTL after the sessionStart {started}");
    }

    [Fact]
    public async Task AcceptAsync_ScriptCacheFlushed_ScriptLoadedAgainAndEventStored()
    {
        // The store sends scripts by SHA (EVALSHA); a restarted or flushed Redis no longer knows them.
        await Store.AcceptAsync(Key, [Start()], null, CancellationToken.None);
        await _redis.GetDatabase().ExecuteAsync("SCRIPT", "FLUSH");

        var decision = await Store.AcceptAsync(Key, [Ping(1)], null, CancellationToken.None);

        Assert.Equal(AcceptOutcome.Stored, decision.Outcome);
        Assert.Equal(Json(Ping(1)), await QueuedJsonAsync());
    }

    [Fact]
    public async Task PeekAsync_QueuedOrRequeued_EachEntryCarriesTheTimeItWasAccepted()
    {
        var before = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await ReplayingAsync(Ping(1));
        await Store.RequeueAsync(Key, [Ping(2)], "HTTP 503", CancellationToken.None);
        var after = DateTimeOffset.UtcNow;

        var queued = await Store.PeekAsync(Key, 10, CancellationToken.None);

        Assert.Equal(Json(Ping(1), Ping(2)), queued.Select(e => e.Json));
        Assert.All(queued, e => Assert.InRange(e.AcceptedAt!.Value, before, after));
        Assert.All(queued, e => Assert.Equal(e.Entry, QueuedEvent.Format(e.Json, e.AcceptedAt!.Value)));
    }

    [Theory]
    [InlineData("accept")]
    [InlineData("sessionCreated")]
    [InlineData("completeHead")]
    [InlineData("endForwarded")]
    [InlineData("requeue")]
    [InlineData("sessionLost")]
    [InlineData("recordError")]
    public async Task AnyChange_ExistingPlayback_RefreshesTtlOfMetaAndQueue(string change)
    {
        await Store.AcceptAsync(Key, [Start(), Ping(1), Ping(2)], null, CancellationToken.None);
        if (change != "sessionCreated")
        {
            await Store.SessionCreatedAsync(Key, "sid-1", CancellationToken.None);
        }

        var db = _redis.GetDatabase();
        await db.KeyExpireAsync(RedisKeys.Meta(Key), TimeSpan.FromSeconds(30));
        await db.KeyExpireAsync(RedisKeys.Queue(Key), TimeSpan.FromSeconds(30));

        var none = CancellationToken.None;
        var head = await EntryAsync(0);
        await (change switch
        {
            "accept" => Store.AcceptAsync(Key, [Ping(3)], null, none),
            "sessionCreated" => Store.SessionCreatedAsync(Key, "sid-1", none),
            "completeHead" => Store.CompleteHeadAsync(Key, head, isEnd: false, deadLetter: null, none),
            "endForwarded" => Store.EndForwardedAsync(Key, none),
            "requeue" => Store.RequeueAsync(Key, [Ping(3)], "timeout", none),
            "sessionLost" => Store.SessionLostAsync(Key, "HTTP 410", none),
            "recordError" => Store.RecordErrorAsync(Key, "HTTP 503", PlaybackError.Retry, none),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        });

        Assert.True(await db.KeyTimeToLiveAsync(RedisKeys.Meta(Key)) > TimeSpan.FromMinutes(30), "meta TTL not refreshed");
        Assert.True(await db.KeyTimeToLiveAsync(RedisKeys.Queue(Key)) > TimeSpan.FromMinutes(30), "queue TTL not refreshed");
    }

    [Fact]
    public void RedisKeys_OnePlayback_AllInTheHashSlotOfThePlaybackKey()
    {
        // A standalone server has no slots (the multiplexer's HashSlot answers -1), so compute them as Cluster does.
        Assert.Equal(12182, ClusterSlot("foo"));

        RedisKey[] keys = [RedisKeys.Meta(Key), RedisKeys.Queue(Key), RedisKeys.DeadLetters(Key), RedisKeys.Lease(Key), RedisKeys.Idempotency(Key, "0a1b2c")];

        var slots = keys.Select(k => ClusterSlot(k!));

        Assert.All(slots, slot => Assert.Equal(ClusterSlot(Key), slot));
    }

    /// <summary>Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag (or the whole key) modulo 16384.</summary>
    private static int ClusterSlot(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : key.IndexOf('}', open + 1);
        var hashed = close > open + 1 ? key[(open + 1)..close] : key;
        ushort crc = 0;
        foreach (var b in Encoding.UTF8.GetBytes(hashed))
        {
            crc ^= (ushort)(b << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}
