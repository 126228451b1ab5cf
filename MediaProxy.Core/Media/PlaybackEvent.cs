namespace MediaProxy.Core.Media;

/// <summary>
/// One validated event as the proxy stores and forwards it: its type and its compact JSON, byte for byte what
/// the player sent (the proxy never rewrites <c>playerTime</c> or anything else).
/// </summary>
public sealed record PlaybackEvent(string EventType, string Json)
{
    public bool IsSessionStart => EventType == MediaEventTypes.SessionStart;

    public bool IsEnd => MediaEventTypes.IsEnd(EventType);
}
