using System.Collections.Concurrent;
using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Many playbacks at once: every one gets one session and all its events, in order.</summary>
public sealed class PlaybackLoadTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    [Fact]
    public async Task PostEvents_200PlaybacksOf40EventsFrom16Clients_AllDeliveredInOrder()
    {
        const int Playbacks = 200;
        const int EventsPerPlayback = 40;
        var keys = new ConcurrentQueue<string>(Enumerable.Range(0, Playbacks).Select(_ => TestEvents.NewKey()));
        var all = keys.ToArray();
        var refused = 0;

        // 16 clients; each plays its playbacks one after another, posting each event once the last was answered.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var client = new PlaybackClient(App.CreateClient());
            while (keys.TryDequeue(out var key))
            {
                if ((await client.PostAsync(key, TestEvents.SessionStart(key))).Status != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                }

                for (var seq = 1; seq < EventsPerPlayback; seq++)
                {
                    if ((await client.PostAsync(key, TestEvents.Ping(seq))).Status != HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            }
        })));

        Assert.Equal(0, refused);
        var status = new PlaybackClient(App.CreateClient());
        foreach (var key in all)
        {
            await status.WaitForStateAsync(key, "live");
            var session = Assert.Single(App.Upstream.SessionsForMedia(key));
            Assert.Equal(Enumerable.Range(1, EventsPerPlayback - 1), App.Upstream.SequenceOf(session.Id));
        }
    }
}
