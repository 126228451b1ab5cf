using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Upstream failures never lose an accepted event nor change its order.</summary>
public sealed class PlaybackFaultTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    private PlaybackClient NewClient() => new(App.CreateClient());

    [Fact]
    public async Task PostEvents_SessionsCall503ThenSuccess_OneSessionNothingLost()
    {
        var key = TestEvents.NewKey();
        // Failures in a row: each one retried by the worker, with backoff, never given up on.
        App.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), count: 4, statusCode: 503);
        var client = NewClient();

        await client.PostAsync(key, TestEvents.SessionStart(key));
        for (var seq = 1; seq <= 5; seq++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(seq))).Status);
        }

        await client.WaitForStateAsync(key, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2, 3, 4, 5], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_SessionsCallRefused_FailedWithLastErrorAndEventsKept()
    {
        var key = TestEvents.NewKey();
        App.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), count: 1, statusCode: 400);
        var client = NewClient();

        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(1));

        var failed = await client.WaitForStateAsync(key, "failed", queued: 1);
        Assert.Contains("400", failed.LastError, StringComparison.Ordinal);
        Assert.Empty(App.Upstream.SessionsForMedia(key));
    }

    [Fact]
    public async Task PostEvents_DirectForwardFails_RequeuedAnsweredAcceptedAndOrderKept()
    {
        var key = TestEvents.NewKey();
        var marker = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(1));
        await client.WaitForStateAsync(key, "live");
        // The direct forward fails (once, and the replay twice more): queued, and the replay delivers it later.
        App.Upstream.FailNextEvents(body => body.Contains(marker, StringComparison.Ordinal), count: 3, statusCode: 503);

        var (status, body) = await client.PostAsync(key, TestEvents.Ping(2, marker));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("replaying", body.GetProperty("state").GetString());
        for (var seq = 3; seq <= 5; seq++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(seq))).Status);
        }

        await client.WaitForStateAsync(key, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2, 3, 4, 5], App.Upstream.SequenceOf(session.Id));
    }

    /// <summary>A 400 is dead-lettered at once: the replay goes on with the next event and nothing is dropped silently.</summary>
    [Fact]
    public async Task Replay_UpstreamRefusesAnEvent_DeadLetteredAndReplayGoesOn()
    {
        const int statusCode = 400;
        var key = TestEvents.NewKey();
        var marker = TestEvents.NewKey();
        App.Upstream.FailNextEvents(body => body.Contains(marker, StringComparison.Ordinal), count: 1, statusCode: statusCode);
        // A slow sessions call, so the events are queued and this is the replay's doing, not a direct forward's.
        App.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromMilliseconds(500));
        var client = NewClient();

        await client.PostAsync(key, TestEvents.SessionStart(key));
        var (_, queued) = await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(1), TestEvents.Ping(2, marker), TestEvents.Ping(3)]));
        Assert.Equal("starting", queued.GetProperty("state").GetString());

        var live = await client.WaitForStateAsync(key, "live");
        Assert.Equal((2L, 1L), (live.Forwarded, live.DeadLettered));
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 3], App.Upstream.SequenceOf(session.Id));

        var deadLetter = Assert.Single(await client.GetDeadLettersAsync(key));
        Assert.Equal(statusCode, deadLetter.GetProperty("status").GetInt32());
        Assert.Equal(marker, deadLetter.GetProperty("event").GetProperty("params").GetProperty("test.marker").GetString());
    }

    /// <summary>
    /// A failure that is not a refusal (503, again and again) never ends delivery: the event is tried again, with
    /// backoff, until it goes through, and the events behind it wait their turn.
    /// </summary>
    [Fact]
    public async Task Replay_UpstreamKeepsFailingAnEvent_NeverGivenUpDeliveredInOrderOnceItPasses()
    {
        var key = TestEvents.NewKey();
        var marker = TestEvents.NewKey();
        App.Upstream.FailNextEvents(body => body.Contains(marker, StringComparison.Ordinal), count: 4, statusCode: 503);
        App.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromMilliseconds(500));
        var client = NewClient();

        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(1), TestEvents.Ping(2, marker), TestEvents.Ping(3)]));

        var live = await client.WaitForStateAsync(key, "live");
        Assert.Equal((3L, 0L), (live.Forwarded, live.DeadLettered));
        Assert.Equal([1, 2, 3], App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(key)).Id));
        Assert.Equal(5, App.Upstream.EventCallCount(b => b.Contains(marker, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Replay_SessionGone_NewSessionWithResumeGetsTheRest()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(1));
        var first = await client.WaitForStateAsync(key, "live");
        App.Upstream.ExpireSession(first.SessionId!);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(2))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(3))).Status);

        await Eventually.WaitUntilAsync(() => App.Upstream.SessionsForMedia(key).Count == 2, TimeSpan.FromSeconds(30));
        var second = await client.WaitForStateAsync(key, "live");
        Assert.NotEqual(first.SessionId, second.SessionId);
        var resumed = App.Upstream.SessionsForMedia(key).Single(s => s.Id == second.SessionId);
        Assert.True(resumed.SessionStart.GetProperty("params").GetProperty("media.resume").GetBoolean());
        Assert.Equal([2, 3], App.Upstream.SequenceOf(second.SessionId!));
    }

    [Fact]
    public async Task DirectForward_UpstreamRefusesAnEvent_DeadLetteredAtOnceNeverResentRestForwarded()
    {
        var key = TestEvents.NewKey();
        var marker = TestEvents.NewKey();
        App.Upstream.FailNextEvents(body => body.Contains(marker, StringComparison.Ordinal), count: 1, statusCode: 400);
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.WaitForStateAsync(key, "live");

        var (status, body) = await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(1), TestEvents.Ping(2, marker), TestEvents.Ping(3)]));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("live", body.GetProperty("state").GetString());
        var playback = await client.GetAsync(key);
        Assert.Equal((2L, 1L, 0L), (playback.Forwarded, playback.DeadLettered, playback.Queued));
        Assert.Equal([1, 3], App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(key)).Id));
        Assert.Equal(1, App.Upstream.EventCallCount(b => b.Contains(marker, StringComparison.Ordinal)));
        Assert.Equal(400, Assert.Single(await client.GetDeadLettersAsync(key)).GetProperty("status").GetInt32());
    }
}
