using System.Net;
using System.Text.Json;
using MediaProxy.Tests.Api;

namespace MediaProxy.Tests.Conformance;

/// <summary>The refusals on each surface: a 400 at the field, and nothing of the post upstream.</summary>
public sealed partial class AdobeExamplesTests
{
    private async Task RefuseOnPlayerApiAsync(DocRefusal refusal)
    {
        var key = TestEvents.NewKey();
        var client = new PlaybackClient(App.CreateClient());
        if (!refusal.IsSessionStart)
        {
            await client.PostAsync(key, TestEvents.SessionStart(key));
        }

        var (status, body) = await client.PostAsync(key, refusal.Json.Replace("@MEDIA", key, StringComparison.Ordinal));

        Assert.True(status == HttpStatusCode.BadRequest, $"player API, {refusal.Rule}: {(int)status} {body}");
        Assert.True(body.GetProperty("errors").TryGetProperty(refusal.Path, out _), $"player API, {refusal.Rule}: {body}");
        await AssertNothingDeliveredAsync(key, refusal, () => client.PostAsync(key, TestEvents.Ping(1)));
    }

    private async Task RefuseOnDropInApiAsync(DocRefusal refusal)
    {
        using var http = App.CreateClient();
        var media = TestEvents.NewKey();
        var location = refusal.IsSessionStart ? "/api/v1/sessions" : $"{await StartSessionAsync(http, new("specs' sessionStart", TestEvents.SessionStart(media)))}/events";

        using var refused = await PostAsync(http, location, refusal.Json.Replace("@MEDIA", media, StringComparison.Ordinal));

        var body = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"drop-in API, {refusal.Rule}: {(int)refused.StatusCode} {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(refusal.Path, out _), $"drop-in API, {refusal.Rule}: {body}");
        if (!refusal.IsSessionStart)
        {
            var id = location.Split('/')[^2];
            await AssertNothingDeliveredAsync(id, refusal, async () => await PostAsync(http, location, TestEvents.Ping(1)));
        }
        else
        {
            Assert.Null(refused.Headers.Location);
        }
    }

    /// <summary>
    /// Nothing of the refused post went upstream: a refused sessionStart left no playback; after a refused event, the next
    /// valid one (<paramref name="next"/>, test.seq 1) is the only event its session received.
    /// </summary>
    private async Task AssertNothingDeliveredAsync(string key, DocRefusal refusal, Func<Task> next)
    {
        var client = new PlaybackClient(App.CreateClient());
        if (refusal.IsSessionStart)
        {
            using var playback = await App.CreateClient().GetAsync($"/v1/playbacks/{key}");
            Assert.True(playback.StatusCode == HttpStatusCode.NotFound, $"{refusal.Rule}: a playback was created");
            return;
        }

        await next();
        var live = await client.WaitForStateAsync(key, "live");
        Assert.Equal([1], App.Upstream.SequenceOf(live.SessionId!));
    }
}
