using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>
/// Checks one event against the schema of its type in the rules in force (<see cref="MediaEventRules"/>): the
/// event type picks the schema, <see cref="SchemaWalker"/> walks the event against it.
/// </summary>
internal static class MediaEventValidator
{
    /// <summary>
    /// Returns the event type when the event is valid, otherwise null (and the errors were added). The
    /// <paramref name="index"/> is the event's in an array post, or -1 for a single event.
    /// </summary>
    public static string? Validate(JsonElement element, int index, ErrorCollector errors, TrackingPolicy tracking, MediaEventRules rules)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(index >= 0 ? $"[{index}]" : "$", "An event must be a JSON object.");
            return null;
        }

        if (!element.TryGetProperty("eventType"u8, out var type) || type.ValueKind != JsonValueKind.String)
        {
            errors.Add(Path(index, "eventType"), "eventType is required and must be a string.");
            return null;
        }

        if (rules.Find(type) is not { } schema)
        {
            errors.Add(Path(index, "eventType"), $"Unknown eventType '{Truncate(type.GetString()!)}': one of {string.Join(", ", rules.EventTypes)}.");
            return null;
        }

        var before = errors.Count;
        var walker = new SchemaWalker(errors, schema.EventType, index, tracking);
        walker.Value(element, schema.Root);
        return errors.Count == before ? schema.EventType : null;
    }

    public static string Path(int index, string field) => index >= 0 ? $"[{index}].{field}" : field;

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
