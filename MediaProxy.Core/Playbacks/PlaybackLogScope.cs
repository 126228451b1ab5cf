using System.Collections;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The log scope that says which playback a line is about: one <c>PlaybackKey</c> property (the key truncated
/// for logs) for structured formatters, and <c>PlaybackKey:…</c> as text. One small object per request or
/// work pass, where a dictionary cost three and printed as its type name.
/// </summary>
public sealed class PlaybackLogScope(string playbackKey) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?> _property = new("PlaybackKey", PlaybackKey.ForLog(playbackKey));

    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? _property : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return _property;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"PlaybackKey:{_property.Value}";
}
