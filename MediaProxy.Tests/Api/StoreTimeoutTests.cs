using System.Net;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;
using StackExchange.Redis;

namespace MediaProxy.Tests.Api;

/// <summary>
/// A post that reached Redis but got no answer in time may have been stored: the 503 says so, and the retry with
/// the same Idempotency-Key is answered as the stored post if Redis ran it, or accepted once if Redis dropped it.
/// On a Redis of its own, paused for writes: Redis holds the proxy's write (and every later command of that
/// connection, reads too) until the pause is lifted, which the specs do only once the 503 is in.
/// </summary>
public sealed class StoreTimeoutTests : IAsyncLifetime
{
    // StackExchange.Redis closes a connection that read nothing for more than 4 timeouts (checked on its heartbeat,
    // every second), and Redis then drops the write it held. The 503 comes 1 to 1.5 timeouts after the post, so a
    // 2 s timeout leaves the spec 6 s to lift the pause before that, on however busy a machine.
    private const int StoreTimeoutMs = 2000;

    private RedisProcess _redis = null!;
    private ConfiguredAppFactory _app = null!;
    private ConnectionMultiplexer _admin = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        // Connected before the proxy's last answer, so nothing stands between that answer and the pause.
        _admin = await ConnectionMultiplexer.ConnectAsync($"{_redis.Endpoint},allowAdmin=true");
        _app = new ConfiguredAppFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"{_redis.Endpoint},asyncTimeout={StoreTimeoutMs},syncTimeout={StoreTimeoutMs}",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _admin.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task PostEvents_RedisTimesOutAfterTheWriteWasSent_OutcomeUnknownThenRetryWithSameKeyIsReplayed()
    {
        var player = new PlaybackClient(_app.CreateClient());
        var key = await WarmUpThenKeyAsync(player);

        using (var unknown = await PostWhileRedisHoldsTheWriteAsync(player, key, loseConnection: false))
        {
            await AssertOutcomeUnknownAsync(unknown);
        }

        // It was stored once the pause was lifted; the retry is answered as that post was, and not stored again.
        await Eventually.WaitUntilAsync(async () => (await _app.CreateClient().GetAsync($"/v1/playbacks/{key}")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), () => "the timed-out post never showed up in the store");
        using var retry = await player.PostWithIdempotencyKeyAsync(key, TestEvents.AdobePing(1), "batch-1");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(1, (await player.GetAsync(key)).Queued);
    }

    [Fact]
    public async Task PostEvents_ConnectionLostWhileRedisHeldTheWrite_OutcomeUnknownThenRetryWithSameKeyIsAcceptedOnce()
    {
        var player = new PlaybackClient(_app.CreateClient());
        var key = await WarmUpThenKeyAsync(player);

        using (var unknown = await PostWhileRedisHoldsTheWriteAsync(player, key, loseConnection: true))
        {
            await AssertOutcomeUnknownAsync(unknown);
        }

        // Redis dropped the held write with its connection: nothing stored, so the retry is a first acceptance.
        HttpStatusCode status = default;
        await Eventually.WaitUntilAsync(async () =>
        {
            status = (await _app.CreateClient().GetAsync($"/v1/playbacks/{key}")).StatusCode;
            return status != HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30), () => "the store never answered again after the reconnection");
        Assert.Equal(HttpStatusCode.NotFound, status);
        using var retry = await player.PostWithIdempotencyKeyAsync(key, TestEvents.AdobePing(1), "batch-1");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, (await player.GetAsync(key)).Queued);
    }

    private static async Task<string> WarmUpThenKeyAsync(PlaybackClient player)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await player.PostAsync(TestEvents.NewKey(), TestEvents.AdobePing(1))).Status); // scripts loaded
        return TestEvents.NewKey();
    }

    /// <summary>
    /// Pauses writes with no end of its own, posts, and lifts the pause only once the 503 is in, so the answer never
    /// races the pause. With <paramref name="loseConnection"/>, first closes the proxy's connection, as
    /// StackExchange.Redis itself does to one silent for more than 4 timeouts.
    /// </summary>
    private async Task<HttpResponseMessage> PostWhileRedisHoldsTheWriteAsync(PlaybackClient player, string key, bool loseConnection)
    {
        var redis = _admin.GetDatabase();
        await redis.ExecuteAsync("CLIENT", "PAUSE", "120000", "WRITE");
        try
        {
            var unknown = await player.PostWithIdempotencyKeyAsync(key, TestEvents.AdobePing(1), "batch-1");
            if (loseConnection)
            {
                // Every command connection but this one: the proxy's (its subscription connection is not one).
                await redis.ExecuteAsync("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
            }

            return unknown;
        }
        finally
        {
            await redis.ExecuteAsync("CLIENT", "UNPAUSE");
        }
    }

    private static async Task AssertOutcomeUnknownAsync(HttpResponseMessage unknown)
    {
        var problem = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        Assert.NotNull(unknown.Headers.RetryAfter);
        Assert.Contains("may have been stored", problem, StringComparison.Ordinal);
        Assert.Contains("same Idempotency-Key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was accepted", problem, StringComparison.Ordinal);
    }
}
