using System.Collections.Concurrent;
using System.Diagnostics;
using MediaProxy.Core.Playbacks;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>Traces: the accept and the work on a playback are spans carrying its truncated key and its session id.</summary>
public sealed class TracingTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Tracing_APlayback_AcceptAndWorkSpansCarryTheTruncatedKeyAndTheSessionId()
    {
        var key = TestEvents.NewKey();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PlaybackTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var client = new PlaybackClient(fixture.App.CreateClient());

        await client.PostAsync(key, TestEvents.SessionStart(key));
        await client.PostAsync(key, TestEvents.Ping(1));
        var live = await client.WaitForStateAsync(key, "live");
        await client.PostAsync(key, TestEvents.Ping(2));

        var mine = new List<Activity>();
        await Eventually.WaitUntilAsync(() =>
        {
            mine = [.. spans.Where(s => s.GetTagItem(PlaybackTracing.PlaybackKeyTag) as string == PlaybackKey.ForLog(key))];
            return mine.Count(s => s.OperationName == "mediaproxy.accept") == 3
                && mine.Any(s => s.OperationName == "mediaproxy.work" && s.GetTagItem(PlaybackTracing.SessionIdTag) is not null);
        }, TimeSpan.FromSeconds(30), () => string.Join(", ", mine.Select(s => s.OperationName)));

        Assert.NotEqual(key, PlaybackKey.ForLog(key));
        Assert.Contains(mine, s => s.OperationName == "mediaproxy.work" && s.GetTagItem(PlaybackTracing.SessionIdTag) as string == live.SessionId);
        // The live post was forwarded directly: its accept span knows the session.
        Assert.Contains(mine, s => s.OperationName == "mediaproxy.accept" && s.GetTagItem(PlaybackTracing.SessionIdTag) as string == live.SessionId);
        Assert.DoesNotContain(mine.SelectMany(s => s.Tags), t => t.Value?.Contains(key, StringComparison.Ordinal) == true);
    }
}
