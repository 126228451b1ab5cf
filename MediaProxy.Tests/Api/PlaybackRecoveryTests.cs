using System.Net;
using System.Text.Json;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Retried posts are not counted twice; failed playbacks can be retried; nothing blocks a queue forever.</summary>
public sealed class PlaybackRecoveryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    private PlaybackClient NewClient() => new(App.CreateClient());

    [Fact]
    public async Task PostEvents_RepeatedIdempotencyKey_AnsweredAsBeforeAndNotEnqueuedAgain()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        var batch = TestEvents.Array([TestEvents.Ping(1), TestEvents.Ping(2)]);

        using var first = await client.PostWithIdempotencyKeyAsync(key, batch, "batch-1");
        using var retry = await client.PostWithIdempotencyKeyAsync(key, batch, "batch-1");
        using var next = await client.PostWithIdempotencyKeyAsync(key, TestEvents.Ping(3), "batch-2");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode, next.StatusCode));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        using var retryBody = JsonDocument.Parse(await retry.Content.ReadAsStringAsync());
        Assert.Equal(2, retryBody.RootElement.GetProperty("accepted").GetInt32());
        await client.WaitForStateAsync(key, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2, 3], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task PostEvents_LivePlaybackRepeatedIdempotencyKey_ForwardedOnceAnsweredAsBefore()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.WaitForStateAsync(key, "live");

        using var first = await client.PostWithIdempotencyKeyAsync(key, TestEvents.Ping(1), "live-1");
        using var retry = await client.PostWithIdempotencyKeyAsync(key, TestEvents.Ping(1), "live-1");
        using var next = await client.PostWithIdempotencyKeyAsync(key, TestEvents.Ping(2), "live-2");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, retry.StatusCode, next.StatusCode));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1, 2], App.Upstream.SequenceOf(session.Id));
        Assert.Equal(2, (await client.GetAsync(key)).Forwarded);
    }

    [Fact]
    public async Task PostEvents_SameIdempotencyKeyOnAnotherPlayback_AcceptedThere()
    {
        var (one, two) = (TestEvents.NewKey(), TestEvents.NewKey());
        var client = NewClient();

        using var first = await client.PostWithIdempotencyKeyAsync(one, TestEvents.Ping(1), "shared-key");
        using var second = await client.PostWithIdempotencyKeyAsync(two, TestEvents.Ping(1), "shared-key");

        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(1, (await client.GetAsync(two)).Queued);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public async Task PostEvents_InvalidIdempotencyKey_BadRequestNamingTheHeader(string idempotencyKey)
    {
        using var response = await NewClient().PostWithIdempotencyKeyAsync(TestEvents.NewKey(), TestEvents.Ping(1), idempotencyKey);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task PostEvents_IdempotencyKeyLongerThan256_BadRequest()
    {
        using var response = await NewClient().PostWithIdempotencyKeyAsync(TestEvents.NewKey(), TestEvents.Ping(1), new string('k', 257));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Retry_FailedPlayback_NewSessionAndHeldEventsDelivered()
    {
        var key = TestEvents.NewKey();
        App.Upstream.FailNextSessionCalls(body => body.Contains(key, StringComparison.Ordinal), count: 1, statusCode: 400);
        var client = NewClient();
        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(1));
        await client.WaitForStateAsync(key, "failed", queued: 1);

        var (status, body) = await client.RetryAsync(key);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("starting", body.GetProperty("state").GetString());
        var live = await client.WaitForStateAsync(key, "live");
        Assert.Null(live.LastError);
        var session = Assert.Single(App.Upstream.SessionsForMedia(key));
        Assert.Equal([1], App.Upstream.SequenceOf(session.Id));
    }

    [Fact]
    public async Task Retry_PlaybackNotFailed_Conflict()
    {
        var key = TestEvents.NewKey();
        var client = NewClient();
        await client.PostAsync(key, TestEvents.Ping(1));

        var (status, body) = await client.RetryAsync(key);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal(409, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Retry_UnknownPlayback_NotFound()
    {
        var (status, _) = await NewClient().RetryAsync(TestEvents.NewKey());

        Assert.Equal(HttpStatusCode.NotFound, status);
    }
}
