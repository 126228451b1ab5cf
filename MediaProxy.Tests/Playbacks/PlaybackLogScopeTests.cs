using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Tests.Playbacks;

/// <summary>What a log line's scope says about the playback it was written for.</summary>
public sealed class PlaybackLogScopeTests
{
    [Fact]
    public void PlaybackLogScope_AnyKey_OnePlaybackKeyPropertyTruncatedForLogs()
    {
        var key = new string('k', 64);
        var scope = new PlaybackLogScope(key);

        var property = Assert.Single(scope);
        Assert.Equal("PlaybackKey", property.Key);
        Assert.Equal(PlaybackKey.ForLog(key), property.Value);
        Assert.Equal($"PlaybackKey:{PlaybackKey.ForLog(key)}", scope.ToString());
    }

    [Fact]
    public void BeginScope_PlaybackLogScope_StructuredFormattersSeeThePlaybackKey()
    {
        var provider = new LoggerExternalScopeProvider();
        using (provider.Push(new PlaybackLogScope("p-123")))
        {
            var seen = new List<KeyValuePair<string, object?>>();
            provider.ForEachScope((scope, _) => seen.AddRange((IEnumerable<KeyValuePair<string, object?>>)scope!), (object?)null);
            Assert.Contains(new KeyValuePair<string, object?>("PlaybackKey", "p-123"), seen);
        }
    }
}
