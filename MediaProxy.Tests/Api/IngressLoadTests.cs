using System.Collections.Concurrent;
using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Players behind an ingress, as a sidecar usually sees them: every request from one address, the default rate
/// limits on. None may be refused for looking like one client.
/// </summary>
public sealed class IngressLoadTests(RateLimitedAppFixture fixture) : IClassFixture<RateLimitedAppFixture>
{
    private const int Players = 500;
    private const int StartupEvents = 3; // posted at once after the sessionStart, one post each
    private const int SteadyEvents = 3;  // then one every PostInterval
    private static readonly TimeSpan StartSpread = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PostInterval = TimeSpan.FromSeconds(2);

    private MediaProxyAppFactory App => fixture.App;

    [Fact]
    public async Task PostEvents_FiveHundredPlayersFromOneAddressAtAPlayersRate_NoneRefusedAllDeliveredInOrder()
    {
        var http = App.CreateClient();
        var statuses = new ConcurrentBag<(string Key, HttpStatusCode Status)>();
        var keys = Enumerable.Range(0, Players).Select(_ => TestEvents.NewKey()).ToList();

        await Task.WhenAll(keys.Select(async (key, i) =>
        {
            // Players start spread over StartSpread, each with its start-up burst, then post one event every PostInterval.
            await Task.Delay(StartSpread * i / Players);
            var client = new PlaybackClient(http);
            statuses.Add((key, (await client.PostAsync(key, TestEvents.SessionStart(key))).Status));
            for (var seq = 1; seq <= StartupEvents + SteadyEvents; seq++)
            {
                if (seq > StartupEvents)
                {
                    await Task.Delay(PostInterval);
                }

                statuses.Add((key, (await client.PostAsync(key, TestEvents.Ping(seq))).Status));
            }
        }));

        var refused = statuses.Where(s => s.Status != HttpStatusCode.Accepted).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {statuses.Count} posts not accepted: " +
            string.Join(", ", refused.GroupBy(s => s.Status).Select(g => $"{g.Count()} × {(int)g.Key}")));
        var expected = Enumerable.Range(1, StartupEvents + SteadyEvents).ToList();
        var pending = keys.ToHashSet(StringComparer.Ordinal);
        await Eventually.WaitUntilAsync(async () =>
        {
            // A cheap, unhurried look: this test shares the machine with the proxy it loads.
            await Task.Delay(250);
            var sessions = App.Upstream.FindSessions(start => start.TryGetProperty("params", out var p) && p.TryGetProperty("media.id", out var id)
                && id.ValueKind == System.Text.Json.JsonValueKind.String && pending.Contains(id.GetString()!))
                .ToLookup(s => s.SessionStart.GetProperty("params").GetProperty("media.id").GetString()!);
            pending.RemoveWhere(key => sessions[key].Any(s => App.Upstream.RawEventsOf(s.Id).Count >= expected.Count));
            return pending.Count == 0;
        }, TimeSpan.FromSeconds(180), () => $"{Players - pending.Count} of {Players} players had all their events delivered; the others: "
            + string.Join("; ", pending.Select(key => $"{key}: {Describe(App.Upstream.SessionsForMedia(key).Select(s => App.Upstream.RawEventsOf(s.Id).Count).ToList())}")));
        Assert.All(keys, key => Assert.Equal(expected, App.Upstream.SequenceOf(Assert.Single(App.Upstream.SessionsForMedia(key)).Id)));
    }

    private static string Describe(List<int> eventsPerSession) =>
        eventsPerSession.Count == 0 ? "no upstream session" : $"{eventsPerSession.Count} upstream session(s) with {string.Join(", ", eventsPerSession)} events";
}
