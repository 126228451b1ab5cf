using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using MediaProxy.Api.Security;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Admission of new playbacks: a client's budget of playbacks it may start, a smaller one for playbacks that only
/// hold events (no sessionStart), and neither ever refuses a post to a playback under way. On a Redis of its own, so
/// its memory growth is this spec's alone.
/// </summary>
public sealed class NewPlaybackAdmissionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string Padding = new('x', 2300);
    private RedisProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisProcess.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task PostEvents_KnownClientPastItsNewPlaybackBudget_TooManyRequestsPlaybackUnderWayAccepted()
    {
        await using var app = Proxy(new()
        {
            ["MediaProxy:RateLimits:DirectlyExposed"] = "true",
            ["MediaProxy:RateLimits:NewPlaybacksPerAddressPerMinute"] = "3",
        }, directlyFrom: IPAddress.Parse("203.0.113.7"));
        var client = new PlaybackClient(app.CreateClient());
        var underWay = TestEvents.NewKey();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(underWay, TestEvents.SessionStart(underWay))).Status);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var key = TestEvents.NewKey();
            statuses.Add((await client.PostAsync(key, TestEvents.SessionStart(key))).Status);
        }

        using var refused = await PostAsync(app.CreateClient(), TestEvents.NewKey(), TestEvents.SessionStart("refused"));
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], statuses[..2]);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("new playbacks", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        for (var seq = 1; seq <= 5; seq++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(underWay, TestEvents.AdobePing(seq))).Status);
        }
    }

    [Fact]
    public async Task Flood_FreshKeysFromOneClient_StoreGrowthBoundedAndExistingPlaybackAccepted()
    {
        // Issue 16's flood, default settings: one client behind the ingress (so nobody in particular), posting held
        // events (no sessionStart) to a fresh key each time, as fast as it can for 20 s: arrays of 100 ads with
        // 2.3 KB of metadata each, and single pings, the cheapest way to make a playback.
        await using var app = Proxy([]);
        app.CreateClient().Dispose(); // one host, started before the flood's clients ask for it at once
        var before = await _redis.UsedMemoryAsync();
        var statuses = new ConcurrentDictionary<string, int>();
        var badServerErrors = 0;


        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var flooding = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var flood = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            using var http = app.CreateClient();
            for (var i = 0; !flooding.IsCancellationRequested; i++)
            {
                var body = worker % 2 == 0 ? TestEvents.Array(Enumerable.Range(1, 100).Select(AdStart)) : TestEvents.AdobePing(i);
                using var response = await PostAsync(http, TestEvents.NewKey(), body);
                statuses.AddOrUpdate((worker % 2 == 0 ? "arrays " : "pings ") + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    output.WriteLine($"400 for {body[..Math.Min(200, body.Length)]}: {await response.Content.ReadAsStringAsync()}");
                }
                if ((int)response.StatusCode >= 500 && (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null))
                {
                    Interlocked.Increment(ref badServerErrors);
                }
            }
        })).ToArray();

        // A real player starts a playback in the middle of the flood, and goes on posting.
        await Task.Delay(TimeSpan.FromSeconds(10));
        var player = new PlaybackClient(app.CreateClient());
        var legit = TestEvents.NewKey();
        var legitStatuses = new List<HttpStatusCode> { (await player.PostAsync(legit, TestEvents.SessionStart(legit))).Status };
        for (var seq = 1; seq <= 5; seq++)
        {
            legitStatuses.Add((await player.PostAsync(legit, TestEvents.AdobePing(seq))).Status);
        }

        await Task.WhenAll(flood);
        var seconds = clock.Elapsed.TotalSeconds;
        var grown = await _redis.UsedMemoryAsync() - before;

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        output.WriteLine($"Redis grew {grown / 1048576.0:F1} MB in 20 s of flood; answers {summary}");
        Assert.True(statuses.GetValueOrDefault("pings 202") > 0, $"the flood was never accepted at all, so it measured nothing: {summary}");
        // Held playbacks spend their own bucket: a tenth of the crowd's (burst 500, then 50/s), whatever the speed.
        var heldBudget = new RateLimitOptions().NewPlaybacksUnidentifiedPerSecond / 10.0 * (10 + seconds);
        Assert.True(statuses.GetValueOrDefault("pings 202") <= heldBudget + 8, $"more held playbacks than the budget of {heldBudget:F0} in {seconds:F1} s: {summary}");
        Assert.True(grown <= 64L * 1024 * 1024, $"Redis grew {grown / 1048576.0:F1} MB ({summary})");
        Assert.DoesNotContain(statuses.Keys, s => s.EndsWith(" 400", StringComparison.Ordinal)); // valid events, however loaded the machine
        Assert.All(legitStatuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Equal(0, badServerErrors);
    }

    private static string AdStart(int seq) =>
        $$$"""{"playerTime":{"playhead":{{{seq}}},"ts":{{{1_732_500_000_000L + seq}}}},"eventType":"adStart","params":{"media.ad.id":"ad-{{{seq}}}","media.ad.length":15,"media.ad.podPosition":1},"customMetadata":{"note":"{{{Padding}}}"}}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string key, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await http.PostAsync($"/v1/playbacks/{key}/events", content);
    }


    private ConfiguredAppFactory Proxy(Dictionary<string, string?> settings, IPAddress? directlyFrom = null)
    {
        settings["ConnectionStrings:Redis"] = _redis.Endpoint;
        return directlyFrom is null
            ? new ConfiguredAppFactory(settings)
            : new ConfiguredAppFactory(settings, services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new FixedRemoteAddress(directlyFrom)));
    }
}
