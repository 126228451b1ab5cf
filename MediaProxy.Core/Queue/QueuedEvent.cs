using System.Globalization;

namespace MediaProxy.Core.Queue;

/// <summary>
/// One entry of a playback's queue: the event's JSON behind the time it was accepted, <c>1732500000000|{…}</c>.
/// Keeping the time in the entry itself (not in a second list) measures backlog age and accept-to-upstream lag
/// at the cost of 14 bytes, with no extra Redis command. The entry string is also the head's identity for the
/// compare-and-pop scripts. An entry without the prefix (JSON always starts with '{') has no known time. The JSON
/// is stored packed (<see cref="CompactJson"/>); <see cref="Json"/> is always the original text.
/// </summary>
public sealed record QueuedEvent(string Entry, string Json, DateTimeOffset? AcceptedAt)
{
    private const char Separator = '|';

    public static string Format(string json, DateTimeOffset acceptedAt) =>
        string.Concat(acceptedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), "|", CompactJson.Pack(json));

    public static QueuedEvent Parse(string entry)
    {
        var separator = entry.StartsWith('{') || entry.StartsWith(CompactJson.Marker) ? -1 : entry.IndexOf(Separator, StringComparison.Ordinal);
        if (separator > 0 && long.TryParse(entry.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return new QueuedEvent(entry, CompactJson.Unpack(entry[(separator + 1)..]), DateTimeOffset.FromUnixTimeMilliseconds(ms));
        }

        return new QueuedEvent(entry, CompactJson.Unpack(entry), null);
    }
}
