using System.Net;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Faults;

/// <summary>
/// The embedded store with a data directory, as one instance runs it: a SIGKILL while events wait for their sessions
/// call, then a restart on the same directory, and every event that got a 202 still reaches the upstream in order.
/// </summary>
[Collection("Faults")]
public sealed class EmbeddedDurabilityTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("mediaproxy-data-").FullName;
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _upstream.SessionLatency = TimeSpan.FromMilliseconds(50);
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Sigkill_EventsQueuedInEmbeddedStore_RestartDeliversEveryAcceptedEventInOrder()
    {
        var keys = Enumerable.Range(0, 8).Select(_ => TestEvents.NewKey()).ToList();
        var holding = true;
        _upstream.DelaySessions(body => holding && keys.Any(k => body.Contains(k, StringComparison.Ordinal)), TimeSpan.FromMinutes(5));
        var settings = new Dictionary<string, string> { ["MediaProxy__Embedded__DataDirectory"] = _dataDirectory };

        await using (var first = await ProxyProcess.StartAsync(redis: null, _upstream.BaseUrl, settings))
        {
            var client = new PlaybackClient(first.CreateClient());
            await Task.WhenAll(keys.Select(async key =>
            {
                await AcceptedAsync(client, key, TestEvents.SessionStart(key));
                for (var batch = 0; batch < 3; batch++)
                {
                    await AcceptedAsync(client, key, TestEvents.Array(Enumerable.Range((batch * 10) + 1, 10).Select(s => TestEvents.Event("ping", s, marker: key))));
                }
            }));

            // Straight after the last 202: nothing may depend on a graceful stop.
            await first.KillAsync();
        }

        holding = false;
        await using var second = await ProxyProcess.StartAsync(redis: null, _upstream.BaseUrl, settings);
        var again = new PlaybackClient(second.CreateClient());
        foreach (var key in keys)
        {
            await again.WaitForStateAsync(key, "live");
            var withEvents = Assert.Single(_upstream.SessionsForMedia(key), s => _upstream.RawEventsOf(s.Id).Count > 0);
            Assert.Equal(Enumerable.Range(1, 30), _upstream.SequenceOf(withEvents.Id));
        }
    }

    private static async Task AcceptedAsync(PlaybackClient client, string key, string json)
    {
        var (status, body) = await client.PostAsync(key, json);
        Assert.True(status == HttpStatusCode.Accepted, $"expected 202, got {(int)status}: {body}");
    }
}
