using System.Net;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Faults;

[CollectionDefinition("Faults", DisableParallelization = true)]
public sealed class FaultsRunAlone;

/// <summary>
/// The built service as real processes on a Redis of their own: SIGKILL mid sessions call and mid replay, Redis
/// restarted mid replay. Every event that got a 202 must reach the upstream, in order, in one session per
/// playback (plus at most an orphan session with no events), with duplicates bounded to the event in flight.
/// </summary>
[Collection("Faults")]
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private RedisProcess _redis = null!;
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        _upstream = await FakeUpstream.StartAsync();
        _upstream.SessionLatency = TimeSpan.FromMilliseconds(100);
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Sigkill_DuringSessionsCall_OtherInstanceStartsTheSessionAndDeliversEverything()
    {
        var key = TestEvents.NewKey();
        _upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        await using var a = await ProxyProcess.StartAsync(_redis.Endpoint, _upstream.BaseUrl);
        await using var b = await ProxyProcess.StartAsync(_redis.Endpoint, _upstream.BaseUrl);
        var (toA, toB) = (new PlaybackClient(a.CreateClient()), new PlaybackClient(b.CreateClient()));

        await AcceptedAsync(toA, key, TestEvents.SessionStart(key));
        await AcceptedAsync(toA, key, TestEvents.Array(Enumerable.Range(1, 5).Select(s => TestEvents.Ping(s))));
        await Eventually.WaitUntilAsync(() => _upstream.SessionCallCount(body => body.Contains(key, StringComparison.Ordinal)) >= 1, TimeSpan.FromSeconds(30));
        await a.KillAsync();
        await AcceptedAsync(toB, key, TestEvents.Array(Enumerable.Range(6, 5).Select(s => TestEvents.Ping(s))));

        await toB.WaitForStateAsync(key, "live");
        AssertDeliveredOnce(key, Enumerable.Range(1, 10), b.Output);
    }

    [Fact]
    public async Task Sigkill_DuringReplay_OtherInstanceDrainsTheRestInOrder()
    {
        var key = TestEvents.NewKey();
        // Each event of this playback takes 40 ms upstream: a 60-event replay lasts seconds, long enough to kill.
        _upstream.DelayEvents(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromMilliseconds(40));
        await using var a = await ProxyProcess.StartAsync(_redis.Endpoint, _upstream.BaseUrl);
        await using var b = await ProxyProcess.StartAsync(_redis.Endpoint, _upstream.BaseUrl);
        var toA = new PlaybackClient(a.CreateClient());
        var events = Enumerable.Range(1, 60).Select(s => TestEvents.Event("ping", s, marker: key)).ToList();

        await AcceptedAsync(toA, key, TestEvents.SessionStart(key));
        await AcceptedAsync(toA, key, TestEvents.Array(events));
        await Eventually.WaitUntilAsync(() => Delivered(key).Count >= 10, TimeSpan.FromSeconds(30));
        await a.KillAsync();

        await new PlaybackClient(b.CreateClient()).WaitForStateAsync(key, "live");
        AssertDeliveredOnce(key, Enumerable.Range(1, 60), b.Output);
    }

    [Fact]
    public async Task RedisRestart_DuringReplay_ServiceUnavailableWhileDownThenEverythingDelivered()
    {
        var key = TestEvents.NewKey();
        _upstream.DelayEvents(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromMilliseconds(40));
        await using var proxy = await ProxyProcess.StartAsync(_redis.Endpoint, _upstream.BaseUrl);
        var client = new PlaybackClient(proxy.CreateClient());
        await AcceptedAsync(client, key, TestEvents.SessionStart(key));
        await AcceptedAsync(client, key, TestEvents.Array(Enumerable.Range(1, 40).Select(s => TestEvents.Event("ping", s, marker: key))));
        await Eventually.WaitUntilAsync(() => Delivered(key).Count >= 5, TimeSpan.FromSeconds(30));

        await _redis.StopAsync();
        var (status, _) = await client.PostAsync(key, TestEvents.Event("ping", 41, marker: key));
        using var http = proxy.CreateClient();
        using var ready = await http.GetAsync("/health/ready");
        await _redis.StartAgainAsync();

        // While Redis was down nothing could be made durable: 503, never 202, and not ready.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        await Eventually.WaitUntilAsync(async () => (await client.PostAsync(key, TestEvents.Event("ping", 41, marker: key))).Status == HttpStatusCode.Accepted,
            TimeSpan.FromSeconds(30), () => proxy.Output);
        await client.WaitForStateAsync(key, "live");
        AssertDeliveredOnce(key, Enumerable.Range(1, 41), proxy.Output);
    }

    private static async Task AcceptedAsync(PlaybackClient client, string key, string json)
    {
        var (status, body) = await client.PostAsync(key, json);
        Assert.True(status == HttpStatusCode.Accepted, $"expected 202, got {(int)status}: {body}");
    }

    private IReadOnlyList<int> Delivered(string key) =>
        [.. _upstream.SessionsForMedia(key).SelectMany(s => _upstream.SequenceOf(s.Id))];

    /// <summary>
    /// Every expected event arrived, in order, in one session (others, if any, are orphans with no events), and a
    /// crash resent at most the one event in flight: a repeat may only follow its own first delivery at once.
    /// </summary>
    private void AssertDeliveredOnce(string key, IEnumerable<int> expected, string output)
    {
        var sessions = _upstream.SessionsForMedia(key);
        var withEvents = Assert.Single(sessions, s => _upstream.RawEventsOf(s.Id).Count > 0);
        Assert.True(sessions.Count <= 2, $"{sessions.Count} sessions for one playback\n{output}");
        var received = _upstream.SequenceOf(withEvents.Id);
        var firsts = received.Where((seq, i) => i == 0 || received[i - 1] != seq).ToList();
        Assert.Equal(expected, firsts);
        Assert.True(received.Count - firsts.Count <= 1, $"{received.Count - firsts.Count} duplicates: [{string.Join(",", received)}]");
    }
}
