using System.Collections.Concurrent;
using System.Threading.Channels;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The playbacks this instance has work for (a sessions call to make, a queue to replay). A key is worked by one
/// task at a time; scheduling a key that is already being worked asks for one more pass when that one ends, so a
/// wake-up is never lost and never doubled. In-process signalling only: no blocking Redis pops.
/// </summary>
public sealed class PlaybackScheduler
{
    private const int Scheduled = 1;
    private const int RunAgain = 2;

    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentDictionary<string, int> _pending = new(StringComparer.Ordinal);

    /// <summary>Playbacks scheduled or being worked now.</summary>
    public int Count => _pending.Count;

    public void Schedule(string playbackKey)
    {
        while (true)
        {
            if (_pending.TryAdd(playbackKey, Scheduled))
            {
                _channel.Writer.TryWrite(playbackKey);
                return;
            }

            if (_pending.TryUpdate(playbackKey, RunAgain, Scheduled)
                || (_pending.TryGetValue(playbackKey, out var value) && value == RunAgain))
            {
                return;
            }
        }
    }

    internal ChannelReader<string> Reader => _channel.Reader;

    /// <summary>Ends a pass over <paramref name="playbackKey"/>; true when it was scheduled again meanwhile.</summary>
    internal bool Finish(string playbackKey) =>
        !_pending.TryRemove(KeyValuePair.Create(playbackKey, Scheduled))
        && _pending.TryUpdate(playbackKey, Scheduled, RunAgain);
}
