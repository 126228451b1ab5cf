using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaProxy.Api.Contracts;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Container;
using MediaProxy.Tests.Faults;
using Microsoft.Playwright;

namespace MediaProxy.Tests.Browser;

/// <summary>
/// The three-line <c>trackVideo</c> snippet of the READMEs, pasted as it is into a page with a video, served from a
/// proxy with no settings at all (in-memory store, the built-in simulator: what `dotnet run` starts), in Chromium:
/// the playback goes live and the simulated upstream gets its session.
/// </summary>
public sealed partial class ReadmeSnippetTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("README.md")]
    [InlineData("MediaProxy.Api/wwwroot/client/README.md")]
    public async Task ReadmeSnippet_PastedIntoAPageOfADefaultProxy_PlaybackGoesLive(string readme)
    {
        var snippet = Snippet(RepositoryFiles.Read(readme));
        await using var proxy = await ProxyProcess.StartAsync(string.Empty, upstream: string.Empty, new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = string.Empty,
            ["MediaProxy__Simulator__SessionLatency"] = "00:00:02",
        });
        using var api = proxy.CreateClient();
        var pageUrl = $"{api.BaseAddress}my-player.html";

        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new ConcurrentQueue<string>();
        page.Console += (_, message) => console.Enqueue($"console.{message.Type}: {message.Text}");
        // The playback key the client made up, from its first answered post.
        var keys = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            console.Enqueue($"POST {response.Url}: {response.Status}");
            if (EventsPath().Match(response.Url) is { Success: true } match && response.Status == 202)
            {
                keys.Enqueue(match.Groups["key"].Value);
            }
        };
        // The user's own page, on the proxy's origin: a video and the snippet, nothing else.
        await page.RouteAsync(pageUrl, route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "text/html",
            Body = $"<!doctype html><html><body><video src=\"/demo/clip.webm\" muted playsinline></video>\n{snippet}\n</body></html>",
        }));

        await page.GotoAsync(pageUrl);
        await page.EvaluateAsync("() => document.querySelector('video').play()");

        var playbacks = new PlaybackClient(api);
        PlaybackStatusResponse? status = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            status = keys.TryPeek(out var key) ? await playbacks.GetAsync(key) : null;
            return status is { State: "live" };
        }, Patience, () => $"the snippet's playback is {status?.ToString() ?? "unknown"}\n{snippet}\n{string.Join('\n', console)}\n{proxy.Output}");
        Assert.DoesNotContain(console, line => line.StartsWith("console.error", StringComparison.Ordinal));

        using var sessions = JsonDocument.Parse(await api.GetStringAsync("/simulator/sessions"));
        var session = Assert.Single(sessions.RootElement.EnumerateArray());
        Assert.Equal(status!.SessionId, session.GetProperty("sessionId").GetString());
        Assert.Equal("vod-42", session.GetProperty("sessionStart").GetProperty("params").GetProperty("media.id").GetString());
    }

    /// <summary>The README's first ```html block that calls trackVideo.</summary>
    private static string Snippet(string markdown) =>
        HtmlBlock().Matches(markdown).Select(m => m.Groups["html"].Value).First(html => html.Contains("MediaProxy.trackVideo", StringComparison.Ordinal));

    [GeneratedRegex(@"```html\n(?<html>.*?)```", RegexOptions.Singleline)]
    private static partial Regex HtmlBlock();

    [GeneratedRegex(@"/v1/playbacks/(?<key>[A-Za-z0-9_-]+)/events")]
    private static partial Regex EventsPath();
}
