using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// The drop-in Media Collection API: an unmodified Adobe call sequence against /api/v1 on the proxy gets its 201
/// while the real sessions call is still in flight, and every event arrives, in order, in one upstream session.
/// </summary>
public sealed class MediaCollectionCompatTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    [Fact]
    public async Task StartSession_SlowUpstream_Answers201BeforeTheUpstreamAndEveryEventArrivesInOrder()
    {
        var media = TestEvents.NewKey();
        App.Upstream.DelaySessions(body => body.Contains(media, StringComparison.Ordinal), TimeSpan.FromSeconds(2));
        using var http = App.CreateClient();

        using var created = await PostAsync(http, "/api/v1/sessions", TestEvents.SessionStart(media));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!.ToString();
        Assert.Matches("^/api/v1/sessions/[0-9a-f]{32}$", location);
        var id = location[(location.LastIndexOf('/') + 1)..];
        // The 201 came while the upstream's sessions call was still held: the playback is still starting.
        Assert.Equal("starting", (await new PlaybackClient(http).GetAsync(id)).State);

        for (var seq = 1; seq <= 20; seq++)
        {
            using var posted = await PostAsync(http, $"{location}/events", TestEvents.Ping(seq));
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        }

        var live = await new PlaybackClient(http).WaitForStateAsync(id, "live");
        var session = Assert.Single(App.Upstream.SessionsForMedia(media));
        Assert.Equal(session.Id, live.SessionId);
        Assert.Equal(Enumerable.Range(1, 20), App.Upstream.SequenceOf(session.Id));

        // Forwarded at once, or queued and replayed when the shared instance takes the upstream as down just then
        // (another spec's outage): either way it follows the others, in the same session.
        using var later = await PostAsync(http, $"{location}/events", TestEvents.Ping(21));
        Assert.Equal(HttpStatusCode.NoContent, later.StatusCode);
        await Eventually.WaitUntilAsync(() => App.Upstream.SequenceOf(session.Id).Count == 21, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(1, 21), App.Upstream.SequenceOf(session.Id));
        Assert.Single(App.Upstream.SessionsForMedia(media));
    }

    [Fact]
    public async Task PostEvent_UnknownSession_Returns404ProblemDetails()
    {
        using var http = App.CreateClient();

        using var unknown = await PostAsync(http, $"/api/v1/sessions/{TestEvents.NewKey()}/events", TestEvents.Ping(1));

        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "Unknown session.");
    }

    [Fact]
    public async Task PostEvent_MalformedSessionId_Returns400ProblemDetails()
    {
        using var http = App.CreateClient();

        using var malformed = await PostAsync(http, "/api/v1/sessions/not..a..key/events", TestEvents.Ping(1));

        await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "Invalid session id.");
    }

    [Fact]
    public async Task PostEvent_SessionCompleteThenPingThenSessionEnd_AllSentRepeatedEnd204ThenGone()
    {
        using var http = App.CreateClient();
        var media = TestEvents.NewKey();
        var location = await StartAsync(http, media);
        foreach (var (type, seq) in new[] { ("sessionComplete", 1), ("ping", 2), ("sessionEnd", 3), ("sessionEnd", 4) })
        {
            using var posted = await PostAsync(http, $"{location}/events", TestEvents.Event(type, seq));
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        }

        using var late = await PostAsync(http, $"{location}/events", TestEvents.Ping(5));

        await AssertProblemAsync(late, HttpStatusCode.Gone, "The session has ended.");
        var id = location[(location.LastIndexOf('/') + 1)..];
        await new PlaybackClient(http).WaitForStateAsync(id, "ended");
        Assert.Equal([1, 2, 3], App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(media)).Id));
    }

    [Theory]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"play"}""", "eventType")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"x"}}""", "params.media.length")]
    [InlineData("""{"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart",""", "$")]
    public async Task StartSession_NotAValidSessionStart_Returns400NamingTheFieldWithoutASession(string body, string field)
    {
        using var http = App.CreateClient();
        using var response = await PostAsync(http, "/api/v1/sessions", body);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, title: null);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith(field, StringComparison.Ordinal));
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task PostEvent_InvalidOrOversizedOrWrongType_Returns4xxAndForwardsNothing()
    {
        using var http = App.CreateClient();
        var media = TestEvents.NewKey();
        var location = await StartAsync(http, media);

        using var invalid = await PostAsync(http, $"{location}/events", """{"playerTime":{"playhead":1,"ts":1},"eventType":"adStart"}""");
        using var oversized = await PostAsync(http, $"{location}/events", "[" + new string(' ', 300 * 1024) + "]");
        using var text = await PostAsync(http, $"{location}/events", TestEvents.Ping(1), "text/plain");

        await AssertProblemAsync(invalid, HttpStatusCode.BadRequest, title: null);
        await AssertProblemAsync(oversized, HttpStatusCode.RequestEntityTooLarge, title: null);
        await AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType, title: null);
        var id = location[(location.LastIndexOf('/') + 1)..];
        var playback = await new PlaybackClient(http).WaitForStateAsync(id, "live");
        Assert.Equal(0, playback.Forwarded);
        Assert.Empty(App.Upstream.RawEventsOf(Assert.Single(App.Upstream.SessionsForMedia(media)).Id));
    }

    [Fact]
    public async Task PostEvent_RepeatedIdempotencyKeyInQuery_AnsweredOnceEnqueuedOnce()
    {
        using var http = App.CreateClient();
        var media = TestEvents.NewKey();
        var location = await StartAsync(http, media);

        using var first = await PostAsync(http, $"{location}/events?idempotencyKey=beacon-1", TestEvents.Ping(1));
        using var repeat = await PostAsync(http, $"{location}/events?idempotencyKey=beacon-1", TestEvents.Ping(1));
        using var next = await PostAsync(http, $"{location}/events?idempotencyKey=beacon-2", TestEvents.Ping(2));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, repeat.StatusCode);
        Assert.Equal("true", Assert.Single(repeat.Headers.GetValues("Idempotent-Replayed")));
        var id = location[(location.LastIndexOf('/') + 1)..];
        await new PlaybackClient(http).WaitForStateAsync(id, "live");
        Assert.Equal([1, 2], App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(media)).Id));
    }

    [Fact]
    public async Task PostEvent_SessionsCallFailsThenUpstreamLosesTheSession_OneIdForThePlayerEveryEventDelivered()
    {
        using var http = App.CreateClient();
        var media = TestEvents.NewKey();
        App.Upstream.FailNextSessionCalls(body => body.Contains(media, StringComparison.Ordinal), 2, 503);
        var location = await StartAsync(http, media);
        var id = location[(location.LastIndexOf('/') + 1)..];
        using var one = await PostAsync(http, $"{location}/events", TestEvents.Ping(1));
        var first = await new PlaybackClient(http).WaitForStateAsync(id, "live");

        App.Upstream.ExpireSession(first.SessionId!);
        using var two = await PostAsync(http, $"{location}/events", TestEvents.Ping(2));
        using var three = await PostAsync(http, $"{location}/events", TestEvents.Ping(3));

        Assert.All([one, two, three], r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        await Eventually.WaitUntilAsync(() => App.Upstream.SessionsForMedia(media).Count == 2, TimeSpan.FromSeconds(30));
        var second = await new PlaybackClient(http).WaitForStateAsync(id, "live");
        Assert.Equal([1], App.Upstream.SequenceOf(first.SessionId!));
        Assert.Equal([2, 3], App.Upstream.SequenceOf(second.SessionId!));
    }

    [Fact]
    public async Task GetSchema_EventType_TheUpstreamsSchemaThatIsInForce()
    {
        using var http = App.CreateClient();

        var ping = await http.GetStringAsync("/api/v1/schemas/ping");
        using var unknown = await http.GetAsync("/api/v1/schemas/dance");

        // The fake upstream's ping schema (which allows the specs' test.* params), fetched at start-up.
        Assert.Equal(FakeUpstream.SchemaWithTestParams("ping"), ping);
        await AssertProblemAsync(unknown, HttpStatusCode.NotFound, "Unknown event type.");
    }

    private static async Task<string> StartAsync(HttpClient http, string media)
    {
        using var created = await PostAsync(http, "/api/v1/sessions", TestEvents.SessionStart(media));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!.ToString();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json, string contentType = "application/json") =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, contentType));

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (title is not null)
        {
            Assert.Equal(title, problem.GetProperty("title").GetString());
        }

        return problem;
    }
}
