using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Faults;

/// <summary>
/// The upstream's hardest days, with the built service as a process and an upstream of the test's own: down for
/// everyone (503, then no answer at all), full (429 past a number of sessions calls), and so slow that sessions calls
/// time out. Nothing that got a 202 is given up on, each playback gets its events in order in one session (at most
/// one orphan beside it), and while the upstream is down the proxy only probes it.
/// </summary>
[Collection("Faults")]
public sealed partial class UpstreamOutageTests : IAsyncLifetime
{
    private const int Database = 8;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.SessionLatency = TimeSpan.FromMilliseconds(50);
    }

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Outage_503ThenNoAnswerThenBack_NothingFailedEverythingInOrderOnlyProbesWhileDown()
    {
        await using var proxy = await StartProxyAsync(new Dictionary<string, string>
        {
            ["MediaProxy__Upstream__ProbeInterval"] = "00:00:01",
            ["MediaProxy__Upstream__AttemptTimeout"] = "00:00:01",
            ["MediaProxy__Upstream__MaxSessionsAttemptTimeout"] = "00:00:02",
        });
        var client = new PlaybackClient(proxy.CreateClient());
        _upstream.Outage = FakeOutage.Failing;
        _upstream.OutageRetryAfter = TimeSpan.FromSeconds(1);
        var keys = Enumerable.Range(0, 100).Select(_ => TestEvents.NewKey()).ToList();

        await PostPlaybacksAsync(client, keys, events: 9);
        await WaitForGaugeAsync(proxy, "mediaproxy_upstream_available", 0);
        var downAt = (_upstream.CallsReceived, DateTime.UtcNow);
        await Task.Delay(TimeSpan.FromSeconds(6));
        _upstream.Outage = FakeOutage.Hanging;
        await Task.Delay(TimeSpan.FromSeconds(6));
        var calls = _upstream.CallsReceived - downAt.CallsReceived;
        var seconds = (DateTime.UtcNow - downAt.UtcNow).TotalSeconds;
        _upstream.Outage = FakeOutage.None;

        // One probe per interval at most (a hanging probe takes its attempt timeout, so fewer): never the backlog.
        Assert.True(calls <= Math.Ceiling(seconds / ProbeInterval.TotalSeconds) + 1, $"{calls} upstream calls in {seconds:F1} s while down\n{proxy.Output}");
        foreach (var key in keys)
        {
            await client.WaitForStateAsync(key, "live");
            AssertDeliveredInOrder(key, 9);
        }

        using var http = proxy.CreateClient();
        using var failed = JsonDocument.Parse(await http.GetStringAsync("/v1/admin/playbacks?state=failed&limit=500"));
        Assert.Empty(failed.RootElement.GetProperty("playbacks").EnumerateArray());
    }

    [Fact]
    public async Task FullUpstream_429PastItsCapacity_ConcurrencyFollowsItAndNothingFails()
    {
        _upstream.SessionCallCapacity = 20;
        _upstream.SessionLatency = TimeSpan.FromMilliseconds(300);
        await using var proxy = await StartProxyAsync();
        var client = new PlaybackClient(proxy.CreateClient());
        var keys = Enumerable.Range(0, 300).Select(_ => TestEvents.NewKey()).ToList();

        await PostPlaybacksAsync(client, keys, events: 2);

        foreach (var key in keys)
        {
            await client.WaitForStateAsync(key, "live");
            AssertDeliveredInOrder(key, 2);
        }

        // The limit came down to what the upstream takes within the first round (which sends all 300 at once):
        // after it, few calls are refused, not a storm of 429s every round.
        var calls = _upstream.SessionCallCount(_ => true);
        Assert.True(calls < keys.Count * 2.5, $"{calls} sessions calls for {keys.Count} playbacks (capacity 20)");
        Assert.Equal(20, _upstream.MaxSessionCallsInFlight);
    }

    [Fact]
    public async Task SlowUpstream_SessionsAnsweredAfter15Seconds_AtMostTwoSessionsEachAndEverythingDelivered()
    {
        // Default upstream settings: a 10 s attempt timeout, so every first sessions call times out (and still
        // creates a session upstream); the next one waits MaxSessionsAttemptTimeout (90 s).
        _upstream.SessionLatency = TimeSpan.FromSeconds(15);
        await using var proxy = await StartProxyAsync(new Dictionary<string, string> { ["MediaProxy__Upstream__ProbeInterval"] = "00:00:05" });
        var client = new PlaybackClient(proxy.CreateClient());
        var keys = Enumerable.Range(0, 20).Select(_ => TestEvents.NewKey()).ToList();

        await PostPlaybacksAsync(client, keys, events: 3);

        foreach (var key in keys)
        {
            await client.WaitForStateAsync(key, "live", timeout: TimeSpan.FromSeconds(180));
            var sessions = _upstream.SessionsForMedia(key);
            Assert.True(sessions.Count <= 2, $"{sessions.Count} sessions for one playback\n{proxy.Output}");
            AssertDeliveredInOrder(key, 3);
        }
    }

    private async Task<ProxyProcess> StartProxyAsync(Dictionary<string, string>? settings = null) =>
        await ProxyProcess.StartAsync(await RedisServer.GetConnectionStringAsync(Database), _upstream.BaseUrl, settings);

    /// <summary>The playbacks posted by a few players at a time, as a busy test machine can take them.</summary>
    private static Task PostPlaybacksAsync(PlaybackClient client, IEnumerable<string> keys, int events) =>
        Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, _) => await PostPlaybackAsync(client, key, events));

    private static async Task PostPlaybackAsync(PlaybackClient client, string key, int events)
    {
        var (status, body) = await client.PostAsync(key, TestEvents.SessionStart(key));
        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status}: {body}");
        (status, body) = await client.PostAsync(key, TestEvents.Array(Enumerable.Range(1, events).Select(seq => TestEvents.Ping(seq))));
        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status}: {body}");
    }

    /// <summary>Every event in order in one session; any other session of the playback (an orphan) has none.</summary>
    private void AssertDeliveredInOrder(string key, int events)
    {
        var sessions = _upstream.SessionsForMedia(key);
        var withEvents = Assert.Single(sessions, s => _upstream.RawEventsOf(s.Id).Count > 0);
        Assert.Equal(Enumerable.Range(1, events), _upstream.SequenceOf(withEvents.Id));
    }

    private static async Task WaitForGaugeAsync(ProxyProcess proxy, string name, double value)
    {
        using var http = proxy.CreateClient();
        var last = double.NaN;
        await Eventually.WaitUntilAsync(async () =>
        {
            var metrics = await http.GetStringAsync("/metrics");
            var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal));
            last = line is not null && Sample().Match(line) is { Success: true } m ? double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture) : double.NaN;
            return last == value;
        }, TimeSpan.FromSeconds(60), () => $"{name} stayed {last}\n{proxy.Output}");
    }

    [GeneratedRegex(@"\s(?<value>[-+0-9.eE]+)(\s\d+)?$")]
    private static partial Regex Sample();
}
