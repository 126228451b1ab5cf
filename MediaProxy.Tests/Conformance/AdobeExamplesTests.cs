using System.Net;
using System.Text;
using System.Text.Json;
using MediaProxy.Core.Media;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Conformance;

/// <summary>
/// Adobe's own request bodies (<see cref="AdobeDocs"/>: the three timelines, every event page, the other Media
/// Collection API pages) replayed through both surfaces, the player API and the drop-in <c>/api/v1</c>: each arrives at
/// the upstream unchanged as a JSON value, in order. The events Adobe's pages call wrong are refused at intake with
/// their field path, and nothing of them reaches the upstream.
/// </summary>
public sealed partial class AdobeExamplesTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    public static TheoryData<string> Examples => [.. AdobeDocs.Timelines.SelectMany(t => t.Events).Concat(AdobeDocs.Events).Select(p => p.Source)];

    public static TheoryData<string> Fragments => [.. AdobeDocs.Fragments.Select(p => p.Source)];

    public static TheoryData<int, string> Refusals()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < AdobeDocs.Refusals.Length; i++)
        {
            data.Add(i, AdobeDocs.Refusals[i].Path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Parse_AdobeExample_ValidAgainstTheShippedSchemasAndUnchanged(string source)
    {
        var payload = AdobeDocs.WithTimestamps(AdobeDocs.Timelines.SelectMany(t => t.Events).Concat(AdobeDocs.Events).Where(p => p.Source == source).ToArray(), 1_699_523_820_000)[0];

        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(payload.Json), 1);

        Assert.True(result.IsValid, $"{source}: {Describe(result)}");
        AssertSameJson(payload.Json, Assert.Single(result.Events).Json, source);
    }

    [Theory]
    [MemberData(nameof(Fragments))]
    public void Parse_ParamShownOnAVariablePage_AcceptedWithItsType(string source)
    {
        var payload = AdobeDocs.Fragments.Single(p => p.Source == source);

        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(payload.Json), 1);

        // A fragment may lack required params; nothing it does send may be refused.
        var refused = result.Errors?.Where(e => e.Value.Any(m => !m.Contains(" is required for ", StringComparison.Ordinal))) ?? [];
        Assert.True(!refused.Any(), $"{source}: {string.Join("; ", refused.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Parse_EventAdobeCallsWrong_RefusedAtThatField(int index, string path)
    {
        var refusal = AdobeDocs.Refusals[index];

        var result = MediaEventParser.Parse(Encoding.UTF8.GetBytes(refusal.Json.Replace("@MEDIA", "m", StringComparison.Ordinal)), 100);

        Assert.False(result.IsValid, refusal.Rule);
        Assert.Equal([path], result.Errors!.Keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PlayerApi_Timeline_EveryEventUpstreamUnchangedAndInOrder(int number)
    {
        var timeline = Timeline(number);
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(App.CreateClient());

        foreach (var payload in timeline)
        {
            var (status, body) = await client.PostAsync(key, payload.Json);
            Assert.True(status == HttpStatusCode.Accepted, $"{payload.Source}: {(int)status} {body}");
        }

        await AssertDeliveredAsync(key, timeline);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task DropInApi_Timeline_EveryEventUpstreamUnchangedAndInOrder(int number)
    {
        var timeline = Timeline(number);
        using var http = App.CreateClient();

        var location = await StartSessionAsync(http, timeline[0]);
        foreach (var payload in timeline[1..])
        {
            using var posted = await PostAsync(http, $"{location}/events", payload.Json);
            Assert.True(posted.StatusCode == HttpStatusCode.NoContent, $"{payload.Source}: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        }

        await AssertDeliveredAsync(location[(location.LastIndexOf('/') + 1)..], timeline);
    }

    [Fact]
    public async Task BothSurfaces_EveryExampleOfTheEventAndApiPages_DeliveredUnchanged()
    {
        // Each example in a playback of its own (a sessionStart of the specs' before any other event), both surfaces at once.
        await Task.WhenAll(AdobeDocs.Events.SelectMany(e => new[] { ReplayOnPlayerApiAsync(e), ReplayOnDropInApiAsync(e) }));
    }

    [Fact]
    public async Task BothSurfaces_EveryEventAdobeCallsWrong_RefusedAtItsFieldAndNothingUpstream()
    {
        await Task.WhenAll(AdobeDocs.Refusals.SelectMany(r => new[] { RefuseOnPlayerApiAsync(r), RefuseOnDropInApiAsync(r) }));
    }

    private async Task ReplayOnPlayerApiAsync(DocPayload example)
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(App.CreateClient());
        DocPayload[] sent = example.IsSessionStart ? [example] : [new("specs' sessionStart", TestEvents.SessionStart(key)), example];
        foreach (var payload in sent)
        {
            var (status, body) = await client.PostAsync(key, payload.Json);
            Assert.True(status == HttpStatusCode.Accepted, $"player API, {payload.Source}: {(int)status} {body}");
        }

        await AssertDeliveredAsync(key, sent);
    }

    private async Task ReplayOnDropInApiAsync(DocPayload example)
    {
        using var http = App.CreateClient();
        DocPayload[] sent = example.IsSessionStart ? [example] : [new("specs' sessionStart", TestEvents.SessionStart(TestEvents.NewKey())), example];
        var location = await StartSessionAsync(http, sent[0]);
        if (!example.IsSessionStart)
        {
            using var posted = await PostAsync(http, $"{location}/events", example.Json);
            Assert.True(posted.StatusCode == HttpStatusCode.NoContent, $"drop-in API, {example.Source}: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        }

        await AssertDeliveredAsync(location[(location.LastIndexOf('/') + 1)..], sent);
    }

    /// <summary>The upstream session of playback <paramref name="key"/> got <paramref name="sent"/>, as JSON values, in order.</summary>
    private async Task AssertDeliveredAsync(string key, DocPayload[] sent)
    {
        var client = new PlaybackClient(App.CreateClient());
        var playback = await client.WaitForStateAsync(key, sent[^1].IsSessionEnd ? "ended" : "live");
        var session = App.Upstream.SessionById(playback.SessionId!);
        AssertSameJson(sent[0].Json, session.RawSessionStart, sent[0].Source);
        var received = App.Upstream.RawEventsOf(session.Id);
        Assert.True(received.Count == sent.Length - 1, $"{sent[^1].Source}: {received.Count} events upstream, {sent.Length - 1} sent");
        for (var i = 1; i < sent.Length; i++)
        {
            AssertSameJson(sent[i].Json, received[i - 1], sent[i].Source);
        }
    }

    private static DocPayload[] Timeline(int number) =>
        AdobeDocs.WithTimestamps(AdobeDocs.Timelines.Single(t => t.Number == number).Events, 1_732_500_000_000 + (Random.Shared.NextInt64(1, 100_000) * 1_000_000));

    private static async Task<string> StartSessionAsync(HttpClient http, DocPayload sessionStart)
    {
        using var created = await PostAsync(http, "/api/v1/sessions", sessionStart.Json);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"{sessionStart.Source}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return created.Headers.Location!.ToString();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string json) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static void AssertSameJson(string expected, string actual, string source)
    {
        using var sent = JsonDocument.Parse(expected);
        using var arrived = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(sent.RootElement, arrived.RootElement), $"{source}: sent {expected}, upstream got {actual}");
    }

    private static string Describe(MediaEventParseResult result) =>
        result.Errors is null ? "valid" : string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" | ", e.Value)}"));
}
