using System.Net;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;
using StackExchange.Redis;

namespace MediaProxy.Tests.Api;

/// <summary>
/// A post that reached Redis but got no answer in time may have been stored: the 503 says so, and the retry with
/// the same Idempotency-Key is answered as the stored post, not accepted twice. On a Redis of its own, which it pauses.
/// </summary>
public sealed class StoreTimeoutTests : IAsyncLifetime
{
    private RedisProcess _redis = null!;
    private ConfiguredAppFactory _app = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        _app = new ConfiguredAppFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = $"{_redis.Endpoint},asyncTimeout=500,syncTimeout=500",
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task PostEvents_RedisTimesOutAfterTheWriteWasSent_OutcomeUnknownThenRetryWithSameKeyIsReplayed()
    {
        var player = new PlaybackClient(_app.CreateClient());
        var warm = TestEvents.NewKey();
        Assert.Equal(HttpStatusCode.Accepted, (await player.PostAsync(warm, TestEvents.AdobePing(1))).Status); // scripts loaded
        var key = TestEvents.NewKey();
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{_redis.Endpoint},allowAdmin=true");

        // Redis takes the write and holds it until the pause ends, long after the proxy's 500 ms timeout (reads, the
        // multiplexer's heartbeat among them, go on, so the connection stays up and the write is done after the pause).
        await admin.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "3000", "WRITE");
        using var unknown = await player.PostWithIdempotencyKeyAsync(key, TestEvents.AdobePing(1), "batch-1");
        var problem = await unknown.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        Assert.NotNull(unknown.Headers.RetryAfter);
        Assert.Contains("may have been stored", problem, StringComparison.Ordinal);
        Assert.Contains("same Idempotency-Key", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Nothing was accepted", problem, StringComparison.Ordinal);

        // It was stored once the pause ended; the retry is answered as that post was.
        await Eventually.WaitUntilAsync(async () => (await _app.CreateClient().GetAsync($"/v1/playbacks/{key}")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), () => "the timed-out post never showed up in the store");
        using var retry = await player.PostWithIdempotencyKeyAsync(key, TestEvents.AdobePing(1), "batch-1");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
    }
}
