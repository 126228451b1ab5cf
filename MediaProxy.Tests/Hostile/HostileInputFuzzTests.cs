using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MediaProxy.Core.Media;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Hostile;

/// <summary>
/// Thousands of seeded hostile bodies against the running proxy: only 2xx/4xx (never 5xx), every 4xx a
/// ProblemDetails, nothing of a rejected post upstream, nothing malformed upstream at all, memory bounded, and the
/// service still serving a normal player afterwards. Alone (not in parallel with other specs): the memory bound is
/// measured on the whole test process, which browser and load specs running beside it would inflate.
/// </summary>
[Collection(MemoryMeasured.Name)]
public sealed class HostileInputFuzzTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int Seed = 7_343;
    private const int Cases = 2_000;

    private MediaProxyAppFactory App => fixture.App;

    [Fact]
    public async Task PostEvents_ThousandsOfMutatedBodies_OnlyClearAnswersAndNothingMalformedUpstream()
    {
        var mutator = new EventMutator(Seed);
        var edges = new Random(Seed + 1); // its own sequence, so the bodies stay those of the seed
        var http = App.CreateClient();
        var rejected = new List<string>();
        var accepted = new List<string>();
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Cases; i++)
        {
            var key = TestEvents.NewKey();
            var body = mutator.Next(mediaId: key);
            var edge = HostileEdge.Next(edges);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{edge.Surface}/{key}{edge.KeySuffix}/events") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            edge.AddHeaders(request);
            using var response = await http.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var sent = Encoding.UTF8.GetString(body);
            var what = $"seed {Seed}, case {i} ({edge}): {status} for {sent[..Math.Min(sent.Length, 300)]}\n{text}";

            Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), what);
            Assert.True(!edge.IsHostile || status == 400, what);
            if (status >= 400)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
                Assert.Equal(status, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
                rejected.Add(key);
            }
            else
            {
                accepted.Add(key);
            }
        }

        GC.Collect();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Assert.True(growth < 200L * 1024 * 1024, $"managed memory grew by {growth / (1024 * 1024)} MB over {Cases} hostile posts");
        Assert.NotEmpty(accepted);
        Assert.NotEmpty(rejected);

        // Still serving a normal player.
        var player = new PlaybackClient(http);
        var normal = TestEvents.NewKey();
        Assert.Equal(HttpStatusCode.Accepted, (await player.PostAsync(normal, TestEvents.SessionStart(normal))).Status);
        await player.WaitForStateAsync(normal, "live");

        // Nothing of a rejected post went upstream, and everything that did is a valid event.
        Assert.All(rejected, key => Assert.Empty(App.Upstream.SessionsForMedia(key)));
        foreach (var session in accepted.SelectMany(App.Upstream.SessionsForMedia))
        {
            foreach (var raw in App.Upstream.RawEventsOf(session.Id).Prepend(session.RawSessionStart))
            {
                var parsed = MediaEventParser.Parse(Encoding.UTF8.GetBytes(raw), maxEvents: 1);
                Assert.True(parsed.IsValid, $"seed {Seed}: malformed upstream body {raw}");
            }
        }
    }
}

/// <summary>
/// What a case does besides its body: most post it plainly to the player API; some carry an edge that must be a 400
/// on either surface, whatever the body: a key with a trailing line break or blank, a repeated Idempotency-Key or
/// X-Api-Key header.
/// </summary>
internal sealed record HostileEdge(string Surface, string KeySuffix, string? RepeatedHeader)
{
    private static readonly string[] Suffixes = ["%0A", "%0D%0A", "%0D", "%09", "%20", "%E2%80%A8", "%C2%A0"];

    public bool IsHostile => KeySuffix.Length > 0 || RepeatedHeader is not null;

    public static HostileEdge Next(Random random)
    {
        var surface = random.Next(2) == 0 ? "/v1/playbacks" : "/api/v1/sessions";
        return random.Next(12) switch
        {
            0 => new(surface, Suffixes[random.Next(Suffixes.Length)], null),
            1 => new("/v1/playbacks", string.Empty, "Idempotency-Key"),
            2 => new("/v1/playbacks", string.Empty, "X-Api-Key"),
            _ => new("/v1/playbacks", string.Empty, null),
        };
    }

    public void AddHeaders(HttpRequestMessage request)
    {
        if (RepeatedHeader is not null)
        {
            request.Headers.TryAddWithoutValidation(RepeatedHeader, ["first-value", "second-value"]);
        }
    }

    public override string ToString() => IsHostile ? $"{Surface}, key suffix '{KeySuffix}', repeated {RepeatedHeader ?? "nothing"}" : "plain";
}

/// <summary>Specs that measure the test process's memory run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasured
{
    public const string Name = "Memory measured";
}
