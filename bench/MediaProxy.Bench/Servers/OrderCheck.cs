using System.Collections.Concurrent;
using System.Text.Json;

namespace MediaProxy.Bench.Servers;

/// <summary>
/// Per-playback order as the upstream sees it: the events of each session must arrive with a strictly increasing
/// <c>playerTime.playhead</c> (the bench's outage playbacks post them so). An event at or below the last one seen for
/// its session (a resend, or one overtaking another) counts as one violation.
/// </summary>
internal sealed class OrderCheck
{
    private readonly ConcurrentDictionary<string, double> _last = new(StringComparer.Ordinal);
    private long _violations;

    public long Violations => Interlocked.Read(ref _violations);

    public void Check(string sessionId, ReadOnlySpan<byte> json)
    {
        if (Playhead(json) is not { } playhead)
        {
            return;
        }

        // One playback sends one event at a time, so a session's entry is never updated concurrently.
        if (_last.TryGetValue(sessionId, out var last) && playhead <= last)
        {
            Interlocked.Increment(ref _violations);
        }

        _last[sessionId] = Math.Max(playhead, last);
    }

    public void Clear()
    {
        _last.Clear();
        Interlocked.Exchange(ref _violations, 0);
    }

    /// <summary>The top-level <c>playerTime.playhead</c>, read without allocating; null when absent or unreadable.</summary>
    private static double? Playhead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPlayerTime = reader.ValueTextEquals("playerTime"u8);
                reader.Read();
                if (!isPlayerTime || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isPlayhead = reader.ValueTextEquals("playhead"u8);
                    reader.Read();
                    if (isPlayhead && reader.TokenType == JsonTokenType.Number)
                    {
                        return reader.GetDouble();
                    }

                    reader.Skip();
                }

                return null;
            }
        }
        catch (JsonException)
        {
            // Not JSON: nothing to check.
        }

        return null;
    }
}
