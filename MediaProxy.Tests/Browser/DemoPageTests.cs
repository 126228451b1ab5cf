using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaProxy.Api.Contracts;
using MediaProxy.Core.Playbacks;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace MediaProxy.Tests.Browser;

/// <summary>
/// The demo page in a real Chromium against the built proxy as a real process (the simulator as upstream, with a
/// slow sessions call so events queue, on the test Redis): a viewer watches, pauses, resumes and reloads mid-video,
/// which ends that playback (sessionEnd in the last beacon).
/// </summary>
public sealed class DemoPageTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    /// <summary>This spec's own Redis database: its proxy's recovery sweeps never meet other specs' playbacks.</summary>
    private const int RedisDatabase = 4;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task DemoPage_ReloadMidPlayback_EveryTrackedEventReachesOneUpstreamSessionInOrderAndItEnds()
    {
        var redis = await RedisServer.GetConnectionStringAsync(database: RedisDatabase);
        await using var proxy = await ProxyProcess.StartAsync(redis, upstream: string.Empty, new Dictionary<string, string>
        {
            // Slow enough that the first events wait in the queue and are replayed.
            ["MediaProxy__Simulator__SessionLatency"] = "00:00:04",
        });
        using var api = proxy.CreateClient();
        var baseUrl = api.BaseAddress!.ToString().TrimEnd('/');

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Enqueue($"page error: {error}");
        string Seen() => $"\nbrowser console:\n{string.Join('\n', console)}\nproxy:\n{proxy.Output}";

        // /demo redirects to /demo/, and the muted video starts by itself.
        await page.GotoAsync($"{baseUrl}/demo");
        Assert.Equal($"{baseUrl}/demo/", page.Url);
        await WaitInPageAsync(page, "() => window.demoPlayback !== undefined", Seen);
        var firstKey = await page.EvaluateAsync<string>("() => window.demoPlayback.key");
        Assert.Equal(firstKey, await page.TextContentAsync("#key"));
        await WaitInPageAsync(page, "() => document.getElementById('video').currentTime > 2", Seen);

        // Pause, resume, and play on until everything tracked so far has been handed over.
        await page.EvaluateAsync("() => document.getElementById('video').pause()");
        await WaitInPageAsync(page, "() => window.demoTracked.some(e => e.eventType === 'pauseStart')", Seen);
        await page.EvaluateAsync("() => document.getElementById('video').play()");
        // (A loaded machine may add bufferStart and play: the page's list, whatever it holds, is the reference.)
        await WaitInPageAsync(page, """
            () => window.demoTracked[window.demoTracked.length - 1].eventType === 'play'
              && document.getElementById('video').currentTime > 3.5 && window.demoPlayback.pending === 0
            """, Seen);
        // Every tracked event is delivered, the sessionStart counted; the replay of the queued ones is lit as passed.
        await WaitInPageAsync(page, "() => document.getElementById('delivered').textContent === String(window.demoTracked.length)", Seen);
        await WaitInPageAsync(page, "() => document.querySelector('#states li[data-state=replaying]').classList.contains('seen')", Seen);
        await SaveScreenshotAsync(page, "demo-playing.png");

        // Reload in the very task in which the client tracks the pause: its batch is still pending at page hide.
        await page.EvaluateAsync("""
            () => {
              const video = document.getElementById('video');
              video.addEventListener('pause', () => {
                sessionStorage.setItem('test:pendingAtReload', String(window.demoPlayback.pending));
                location.reload();
              }, { once: true });
              video.pause();
            }
            """);
        await WaitInPageAsync(page, $"() => window.demoPlayback && window.demoPlayback.key !== '{firstKey}'", Seen);
        var secondKey = await page.EvaluateAsync<string>("() => window.demoPlayback.key");
        Assert.NotEqual(firstKey, secondKey);
        Assert.Equal(secondKey, await page.TextContentAsync("#key"));
        var pendingAtReload = int.Parse(await page.EvaluateAsync<string>("() => sessionStorage.getItem('test:pendingAtReload')"), CultureInfo.InvariantCulture);
        Assert.True(pendingAtReload >= 1, "the pause tracked just before the reload was still with the client");

        // What the first page tracked and handed over, kept by demo.js through the reload.
        using var kept = JsonDocument.Parse(await page.EvaluateAsync<string>("() => sessionStorage.getItem('mediaproxy-demo')"));
        var first = kept.RootElement.EnumerateArray().Single(p => p.GetProperty("key").GetString() == firstKey);
        var tracked = first.GetProperty("tracked").EnumerateArray().Select(e => e.GetProperty("eventType").GetString()!).ToList();
        var sent = first.GetProperty("sent").EnumerateArray().ToList();
        Assert.Equal(["sessionStart", "play"], tracked[..2]);
        Assert.Equal(2, tracked.Count(e => e == "pauseStart"));
        Assert.Equal(["pauseStart", "sessionEnd"], tracked[^2..]);
        Assert.Equal(tracked, sent.Select(e => e.GetProperty("eventType").GetString()));
        // What the client held at the reload, and the sessionEnd, left in the beacon.
        Assert.All(sent[^(pendingAtReload + 1)..], e => Assert.Equal("beacon", e.GetProperty("via").GetString()));
        Assert.All(sent[..^(pendingAtReload + 1)], e => Assert.Equal("fetch", e.GetProperty("via").GetString()));
        var sentTs = sent.Select(e => e.GetProperty("ts").GetInt64()).ToList();

        // The proxy delivered all of it, the beacon's batch included, to one upstream session, in order.
        var playbacks = new PlaybackClient(api);
        PlaybackStatusResponse? status = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            status = await playbacks.GetAsync(firstKey);
            return status is { State: "ended", Queued: 0 } && status.Forwarded == tracked.Count - 1;
        }, Patience, () => $"the first playback stayed {status}{Seen()}");
        Assert.Equal(0, status!.DeadLettered);
        Assert.Null(status.LastError);
        // The slow sessions call made the first events wait in the queue and be replayed.
        var replay = Regex.Match(proxy.Output, $@"Playback {Regex.Escape(PlaybackKey.ForLog(firstKey))}: upstream session {status.SessionId} created in \d+ ms; (\d+) event\(s\) to replay, now replaying");
        Assert.True(replay.Success && int.Parse(replay.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, $"no replay of queued events logged:\n{proxy.Output}");

        using var sessions = JsonDocument.Parse(await api.GetStringAsync("/simulator/sessions"));
        var session = sessions.RootElement.EnumerateArray().Single(s => s.GetProperty("sessionId").GetString() == status.SessionId);
        var received = new[] { session.GetProperty("sessionStart") }.Concat(session.GetProperty("events").EnumerateArray()).ToList();
        Assert.Equal(tracked, received.Select(e => e.GetProperty("eventType").GetString()));
        Assert.Equal(sentTs, received.Select(e => e.GetProperty("playerTime").GetProperty("ts").GetInt64()));
        Assert.Single(sessions.RootElement.EnumerateArray(), s =>
            s.GetProperty("sessionStart").GetProperty("playerTime").GetProperty("ts").GetInt64() == sentTs[0]);

        // The reloaded page is a playback of its own, and lists the first one as ended, every tracked event delivered.
        await WaitInPageAsync(page, $"() => document.getElementById('earlier-rows').textContent.includes('{firstKey}ended{tracked.Count}{tracked.Count}')", Seen);
        await WaitInPageAsync(page, "() => window.demoTracked.length > 0 && window.demoTracked[0].eventType === 'sessionStart'", Seen);
        await WaitInPageAsync(page, "() => !document.getElementById('simulator').hidden && document.querySelectorAll('#received li').length >= 2", Seen);
        await SaveScreenshotAsync(page, "demo.png");
    }

    [Fact]
    public async Task DemoPage_PlayerApiKeyInQuery_TracksAndReadsStatusWithTheKey()
    {
        const string PlayerKey = "demo-player-key-5c1f0e";
        var redis = await RedisServer.GetConnectionStringAsync(database: RedisDatabase);
        await using var proxy = await ProxyProcess.StartAsync(redis, upstream: string.Empty, new Dictionary<string, string>
        {
            ["MediaProxy__Simulator__SessionLatency"] = "00:00:00.200",
            ["MediaProxy__Auth__PlayerApiKeys__0"] = PlayerKey,
        });
        using var api = proxy.CreateClient();
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"console.{message.Type}: {message.Text}");
        string Seen() => $"\nbrowser console:\n{string.Join('\n', console)}\nproxy:\n{proxy.Output}";

        await page.GotoAsync($"{api.BaseAddress}demo/?apiKey={PlayerKey}");

        // The page posts with the key and reads its playback's status with it: live, with the play forwarded.
        await WaitInPageAsync(page, "() => document.getElementById('state').textContent === 'live' && document.getElementById('delivered').textContent !== '0'", Seen);
        var key = await page.EvaluateAsync<string>("() => window.demoPlayback.key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync($"/v1/playbacks/{key}")).StatusCode);
    }

    private static async Task WaitInPageAsync(IPage page, string condition, Func<string> seen)
    {
        try
        {
            await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { Timeout = (float)Patience.TotalMilliseconds });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Not true in the page within {Patience.TotalSeconds:0} s: {condition}\n{await DescribeAsync(page)}{seen()}", ex);
        }
    }

    /// <summary>What the page tracked and sent, and where the video is, for a failure message.</summary>
    private static async Task<string> DescribeAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("""
                () => JSON.stringify({ tracked: window.demoTracked, sent: window.demoSent, pending: window.demoPlayback.pending,
                  currentTime: document.getElementById('video').currentTime, paused: document.getElementById('video').paused })
                """);
        }
        catch (PlaywrightException ex)
        {
            return $"(the page could not say: {ex.Message})";
        }
    }

    private async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
