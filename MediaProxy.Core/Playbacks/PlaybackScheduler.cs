using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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

    // Written to the channel by ScheduleFirst: wakes the reader, which takes the first-lane keys before anything else.
    private const string WakeUp = "";

    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConcurrentQueue<string> _first = new();
    private readonly ConcurrentDictionary<string, int> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _newStarts = new(StringComparer.Ordinal);

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

    /// <summary>
    /// Schedules a playback whose sessionStart was just accepted here: its first pass knows it needs a sessions call
    /// slot before anything else (see <see cref="TakeNewStart"/>).
    /// </summary>
    public void ScheduleNewStart(string playbackKey)
    {
        _newStarts[playbackKey] = 0;
        Schedule(playbackKey);
    }

    /// <summary>True once for a playback scheduled by <see cref="ScheduleNewStart"/>.</summary>
    internal bool TakeNewStart(string playbackKey) => _newStarts.TryRemove(playbackKey, out _);

    /// <summary>
    /// Schedules <paramref name="playbackKey"/> ahead of every playback waiting in the channel: one holding a sessions
    /// slot reserved for it, which would otherwise sit unused behind a flash crowd's worth of scheduled keys.
    /// </summary>
    public void ScheduleFirst(string playbackKey)
    {
        if (_pending.TryAdd(playbackKey, Scheduled))
        {
            _first.Enqueue(playbackKey);
            _channel.Writer.TryWrite(WakeUp);
            return;
        }

        Schedule(playbackKey); // already scheduled or being worked: one more pass, as Schedule does
    }

    /// <summary>The channel itself (the first lane's keys are not in it): for specs that read what was scheduled.</summary>
    internal ChannelReader<string> Reader => _channel.Reader;

    /// <summary>The scheduled keys, those of <see cref="ScheduleFirst"/> ahead of the rest.</summary>
    internal async IAsyncEnumerable<string> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var key in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            while (_first.TryDequeue(out var first))
            {
                yield return first;
            }

            if (key.Length > 0) // not a WakeUp (playback keys are never empty)
            {
                yield return key;
            }
        }
    }

    /// <summary>Ends a pass over <paramref name="playbackKey"/>; true when it was scheduled again meanwhile.</summary>
    internal bool Finish(string playbackKey) =>
        !_pending.TryRemove(KeyValuePair.Create(playbackKey, Scheduled))
        && _pending.TryUpdate(playbackKey, Scheduled, RunAgain);
}
