using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>The queue-until-session flow end to end: real Redis, real HTTP upstream.</summary>
public sealed class PlaybackFlowTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    private PlaybackClient NewClient() => new(App.CreateClient());

    [Fact]
    public async Task PostEvents_SlowSessionsCall_QueuesThenReplaysInOrderThenForwardsLive()
    {
        var key = TestEvents.NewKey();
        var release = App.Upstream.HoldSessions(body => body.Contains(key, StringComparison.Ordinal));
        var client = NewClient();

        var start = await client.PostAsync(key, TestEvents.SessionStart(key));
        Assert.Equal(HttpStatusCode.Accepted, start.Status);
        for (var seq = 1; seq <= 20; seq++)
        {
            var (status, body) = await client.PostAsync(key, TestEvents.Ping(seq));
            Assert.Equal(HttpStatusCode.Accepted, status);
            // The sessions call is still in flight: the event was queued, not forwarded.
            Assert.Equal("starting", body.GetProperty("state").GetString());
            Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        }

        release();
        await client.WaitForStateAsync(key, "live");
        for (var seq = 21; seq <= 30; seq++)
        {
            var (status, body) = await client.PostAsync(key, TestEvents.Ping(seq));
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal("live", body.GetProperty("state").GetString());
        }

        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal(Enumerable.Range(1, 30), App.Upstream.SequenceOf(session.Id));
        var playback = await client.GetAsync(key);
        Assert.Equal(30, playback.Forwarded);
        Assert.Equal(session.Id, playback.SessionId);
        Assert.Null(playback.LastError);
    }

    [Fact]
    public async Task PostEvents_BeforeSessionStart_HeldThenSentAfterTheSessionInOrder()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();

        for (var seq = 1; seq <= 3; seq++)
        {
            var (status, body) = await client.PostAsync(key, TestEvents.Ping(seq));
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.Equal("awaitingSessionStart", body.GetProperty("state").GetString());
        }

        var held = await client.GetAsync(key);
        Assert.Equal(("awaitingSessionStart", 3L), (held.State, held.Queued));
        Assert.Empty(App.Upstream.SessionsForMedia(key));

        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(4));
        await client.WaitForStateAsync(key, "live");

        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2, 3, 4], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_RepeatedSessionStart_AcknowledgedWithOneUpstreamSession()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.PostAsync(key, TestEvents.SessionStart(key))));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.Accepted, r.Status));
        await client.WaitForStateAsync(key, "live");
        var again = await client.PostAsync(key, TestEvents.SessionStart(key));
        Assert.Equal(HttpStatusCode.Accepted, again.Status);
        await client.PostAsync(key, TestEvents.Ping(1));

        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        // Repeated sessionStarts are not events of the session: only the ping was sent.
        Assert.Equal([1], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_ArrayWithSessionStart_AcceptedWholeAndDeliveredInOrder()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();

        var events = new[] { TestEvents.SessionStart(key) }.Concat(Enumerable.Range(1, 20).Select(s => TestEvents.Ping(s)));
        var (status, body) = await client.PostAsync(key, TestEvents.Array(events));

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(21, body.GetProperty("accepted").GetInt32());
        Assert.Equal(key, body.GetProperty("playbackKey").GetString());
        await client.WaitForStateAsync(key, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal(Enumerable.Range(1, 20), App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_SessionCompleteThenPingThenSessionEnd_AllForwardedInOrderRepeatedEndAcknowledgedThenConflict()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.WaitForStateAsync(key, "live");

        // sessionComplete leaves the session open (Adobe: "any trailing events such as a final ping are still captured").
        var complete = await client.PostAsync(key, TestEvents.Event("sessionComplete", 1));
        Assert.Equal((HttpStatusCode.Accepted, "live"), (complete.Status, complete.Body.GetProperty("state").GetString()));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Ping(2))).Status);
        var end = await client.PostAsync(key, TestEvents.Event("sessionEnd", 3));
        Assert.Equal((HttpStatusCode.Accepted, "ended"), (end.Status, end.Body.GetProperty("state").GetString()));

        // sessionEnd again is acknowledged and not sent twice; anything else after it is refused.
        var repeated = await client.PostAsync(key, TestEvents.Event("sessionEnd", 4));
        Assert.Equal((HttpStatusCode.Accepted, "ended"), (repeated.Status, repeated.Body.GetProperty("state").GetString()));
        var late = await client.PostAsync(key, TestEvents.Ping(5));
        Assert.Equal(HttpStatusCode.Conflict, late.Status);
        Assert.Equal(409, late.Body.GetProperty("status").GetInt32());
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2, 3], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_SessionCompleteAndSessionEndQueuedBeforeTheSession_ReplayedInOrderThenEnded()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        App.Upstream.DelaySessions(body => body.Contains(key, StringComparison.Ordinal), TimeSpan.FromSeconds(1));
        await client.PostAsync(key, TestEvents.Array([TestEvents.SessionStart(key), TestEvents.Ping(1), TestEvents.Event("sessionComplete", 2)]));
        var (status, _) = await client.PostAsync(key, TestEvents.Array([TestEvents.Ping(3), TestEvents.Event("sessionEnd", 4), TestEvents.Event("sessionEnd", 5)]));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(key, TestEvents.Event("sessionEnd", 6))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(key, TestEvents.Ping(7))).Status);

        await client.WaitForStateAsync(key, "ended");
        Assert.Equal([1, 2, 3, 4], App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(key)).Id));
    }

    [Fact]
    public async Task GetPlayback_UnknownKey_NotFoundProblem()
    {
        using var response = await App.CreateClient().GetAsync($"/v1/playbacks/{TestEvents.NewKey()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
