using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Direct forwards share the events' concurrency limit: past it, a post is queued for the replay, still 202, still delivered.</summary>
public sealed class DirectForwardBoundTests(AppFixture fixture) : IClassFixture<AppFixture>, IAsyncLifetime
{
    private ConfiguredAppFactory _app = null!;

    private FakeUpstream Upstream => fixture.App.Upstream;

    public Task InitializeAsync()
    {
        // The embedded store (no shared Redis), the shared fake upstream, one event call in flight at most.
        _app = new ConfiguredAppFactory(new Dictionary<string, string?>
        {
            ["MediaProxy:Upstream:BaseUrl"] = Upstream.BaseUrl,
            ["MediaProxy:Upstream:MaxConcurrentEventSends"] = "1",
            ["MediaProxy:Playbacks:DirectForwardTimeout"] = "00:00:05",
            ["MediaProxy:RateLimits:Enabled"] = "false",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PostEvents_AllDirectForwardSlotsBusy_QueuedForReplayAndDelivered()
    {
        var (slow, other) = (TestEvents.NewKey(), TestEvents.NewKey());
        var marker = TestEvents.NewKey();
        var client = new PlaybackClient(_app.CreateClient());
        foreach (var key in new[] { slow, other })
        {
            await client.PostAsync(key, TestEvents.SessionStart(key));
            await client.WaitForStateAsync(key, "live");
        }

        Upstream.DelayEvents(body => body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(2));
        var holding = client.PostAsync(slow, TestEvents.Ping(1, marker));
        // The slow event is at the upstream: its post holds the only direct-forward slot for two seconds.
        await Eventually.WaitUntilAsync(() => Upstream.EventCallCount(b => b.Contains(marker, StringComparison.Ordinal)) == 1, TimeSpan.FromSeconds(10));
        var (status, body) = await client.PostAsync(other, TestEvents.Ping(1));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("replaying", body.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await holding).Status);
        await client.WaitForStateAsync(other, "live");
        Assert.Equal([1], Upstream.SequenceOf(Assert.Single(Upstream.SessionsForMedia(other)).Id));
    }
}
