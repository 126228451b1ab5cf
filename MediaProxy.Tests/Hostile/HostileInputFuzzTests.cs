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
        var http = App.CreateClient();
        var rejected = new List<string>();
        var accepted = new List<string>();
        GC.Collect();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < Cases; i++)
        {
            var key = TestEvents.NewKey();
            var body = mutator.Next(mediaId: key);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await http.PostAsync($"/v1/playbacks/{key}/events", content);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var sent = Encoding.UTF8.GetString(body);
            var what = $"seed {Seed}, case {i}: {status} for {sent[..Math.Min(sent.Length, 300)]}\n{text}";

            Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), what);
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

/// <summary>Specs that measure the test process's memory run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasured
{
    public const string Name = "Memory measured";
}
