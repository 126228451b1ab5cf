using System.Globalization;
using System.Net;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;
using StackExchange.Redis;

namespace MediaProxy.Tests.Api;

/// <summary>
/// The memory guard, on by default: past the high-water mark new playbacks get 503 while playbacks under way go on;
/// past the hard mark every post does, before the server itself runs out. On a Redis of its own, so its memory is
/// this spec's alone and the marks can be set around what it uses.
/// </summary>
public sealed class StoreGuardTests : IAsyncLifetime
{
    private RedisProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisProcess.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task PostEvents_PastTheHighWaterMark_NewPlaybackRefusedExistingOneContinues()
    {
        var existing = TestEvents.NewKey();
        await using (var open = Proxy(budget: long.MaxValue / 4))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await new PlaybackClient(open.CreateClient()).PostAsync(existing, TestEvents.AdobePing(1))).Status);
        }

        // Redis uses about 87 % of this budget: past the 80 % high-water mark, short of the 95 % hard mark.
        await using var guarded = Proxy(budget: (long)(await _redis.UsedMemoryAsync() * 1.15));
        var client = new PlaybackClient(guarded.CreateClient());

        await Eventually.WaitUntilAsync(async () =>
            (await client.PostAsync(TestEvents.NewKey(), TestEvents.AdobePing(1))).Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        var (status, body) = await client.PostAsync(existing, TestEvents.AdobePing(2));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("awaitingSessionStart", body.GetProperty("state").GetString());
        Assert.Equal(2, (await client.GetAsync(existing)).Queued);
    }

    [Fact]
    public async Task PostEvents_PastTheHardMark_EveryPostRefusedWithRetryAfter()
    {
        var existing = TestEvents.NewKey();
        await using (var open = Proxy(budget: long.MaxValue / 4))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await new PlaybackClient(open.CreateClient()).PostAsync(existing, TestEvents.AdobePing(1))).Status);
        }

        // Redis uses more than this whole budget.
        await using var full = Proxy(budget: await _redis.UsedMemoryAsync() / 2);
        using var http = full.CreateClient();

        HttpResponseMessage? refused = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            refused?.Dispose();
            refused = await http.PostAsync($"/v1/playbacks/{existing}/events", new StringContent(TestEvents.AdobePing(2), System.Text.Encoding.UTF8, "application/json"));
            return refused.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(30));

        Assert.NotNull(refused!.Headers.RetryAfter);
        Assert.Contains("full", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, (await new PlaybackClient(http).GetAsync(existing)).Queued);
        refused.Dispose();
    }


    private ConfiguredAppFactory Proxy(long budget) => new(new Dictionary<string, string?>
    {
        ["ConnectionStrings:Redis"] = _redis.Endpoint,
        ["MediaProxy:StoreGuard:MaxMemoryBytes"] = budget.ToString(CultureInfo.InvariantCulture),
        ["MediaProxy:StoreGuard:CheckInterval"] = "00:00:00.100",
        ["MediaProxy:RateLimits:Enabled"] = "false",
    });
}
