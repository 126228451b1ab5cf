using System.Text.Json;
using System.Text.RegularExpressions;

namespace MediaProxy.Core.Media;

/// <summary>
/// Checks one event against the Media Collection API's schema: the body shape, <c>playerTime</c>, the event
/// type, required params with their JSON types, <c>customMetadata</c> and <c>qoeData</c>.
/// </summary>
internal static partial class MediaEventValidator
{
    // The valid path allocates nothing: names are compared as the UTF-8 they arrived as, and a field path is
    // only built for an error (every post goes through here; the benchmark counted the strings).
    private static readonly string[] EventTypes = [.. MediaEventTypes.All];

    /// <summary>Returns the event type when the event is valid, otherwise null (and the errors were added).</summary>
    public static string? Validate(JsonElement element, string prefix, ErrorCollector errors, TrackingPolicy tracking)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix.Length > 0 ? prefix.TrimEnd('.') : "$", "An event must be a JSON object.");
            return null;
        }

        var before = errors.Count;
        foreach (var property in element.EnumerateObject())
        {
            if (!IsKnownProperty(property))
            {
                errors.Add(prefix + property.Name, "Unknown property: an event has playerTime, eventType, params, customMetadata and qoeData.");
            }
        }

        var eventType = ValidateEventType(element, prefix, errors);
        ValidatePlayerTime(element, prefix, errors);
        ValidateParams(element, eventType, prefix, errors, tracking);
        ValidateCustomMetadata(element, eventType, prefix, errors);
        ValidateQoeData(element, prefix, errors);
        return errors.Count == before ? eventType : null;
    }

    private static string? ValidateEventType(JsonElement element, string prefix, ErrorCollector errors)
    {
        if (!element.TryGetProperty("eventType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            errors.Add(prefix + "eventType", "eventType is required and must be a string.");
            return null;
        }

        foreach (var known in EventTypes)
        {
            if (type.ValueEquals(known))
            {
                return known;
            }
        }

        errors.Add(prefix + "eventType", $"Unknown eventType '{Truncate(type.GetString()!)}'.");
        return null;
    }

    private static bool IsKnownProperty(JsonProperty property) =>
        property.NameEquals("playerTime"u8) || property.NameEquals("eventType"u8) || property.NameEquals("params"u8)
        || property.NameEquals("customMetadata"u8) || property.NameEquals("qoeData"u8);

    private static void ValidatePlayerTime(JsonElement element, string prefix, ErrorCollector errors)
    {
        if (!element.TryGetProperty("playerTime", out var playerTime) || playerTime.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix + "playerTime", "playerTime is required and must be an object with playhead and ts.");
            return;
        }

        foreach (var property in playerTime.EnumerateObject())
        {
            if (!property.NameEquals("playhead"u8) && !property.NameEquals("ts"u8))
            {
                errors.Add($"{prefix}playerTime.{property.Name}", "Unknown property: playerTime has playhead and ts.");
            }
        }

        if (!playerTime.TryGetProperty("playhead", out var playhead) || playhead.ValueKind != JsonValueKind.Number
            || !playhead.TryGetDouble(out var seconds) || !double.IsFinite(seconds) || seconds < 0)
        {
            errors.Add(prefix + "playerTime.playhead", "playhead is required: a number of seconds, 0 or more.");
        }

        // ts is the player's clock: never reordered or rejected for being equal or earlier (issue #3).
        if (!playerTime.TryGetProperty("ts", out var ts) || ts.ValueKind != JsonValueKind.Number
            || !ts.TryGetInt64(out var ms) || ms < 0)
        {
            errors.Add(prefix + "playerTime.ts", "ts is required: an integer of epoch milliseconds.");
        }
    }

    private static void ValidateParams(JsonElement element, string? eventType, string prefix, ErrorCollector errors, TrackingPolicy tracking)
    {
        var hasParams = element.TryGetProperty("params", out var parameters);
        if (hasParams && parameters.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix + "params", "params must be an object.");
            return;
        }

        if (hasParams)
        {
            foreach (var property in parameters.EnumerateObject())
            {
                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add($"{prefix}params.{property.Name}", "A param value must be a string, a number or a boolean.");
                }
            }

            foreach (var (name, kind) in MediaEventTypes.TypedOptionalParams)
            {
                if (parameters.TryGetProperty(name, out var value) && IsPrimitive(value) && !Is(value, kind))
                {
                    errors.Add($"{prefix}params.{name}", $"{name} must be {Describe(kind)}.");
                }
            }
        }

        if (eventType is null || !MediaEventTypes.RequiredParams.TryGetValue(eventType, out var rules))
        {
            return;
        }

        foreach (var rule in rules)
        {
            if (!hasParams || !parameters.TryGetProperty(rule.Name, out var value))
            {
                if (tracking.Owns(rule.Name))
                {
                    continue; // The proxy puts it in.
                }

                errors.Add($"{prefix}params.{rule.Name}", $"{rule.Name} is required for {eventType}.");
            }
            else if (!Is(value, rule.Kind))
            {
                errors.Add($"{prefix}params.{rule.Name}", $"{rule.Name} must be {Describe(rule.Kind)}.");
            }
        }
    }

    private static void ValidateCustomMetadata(JsonElement element, string? eventType, string prefix, ErrorCollector errors)
    {
        if (!element.TryGetProperty("customMetadata", out var metadata))
        {
            return;
        }

        if (eventType is not null && !MediaEventTypes.WithCustomMetadata.Contains(eventType))
        {
            errors.Add(prefix + "customMetadata", "customMetadata is allowed only on sessionStart, adStart and chapterStart.");
            return;
        }

        if (metadata.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix + "customMetadata", "customMetadata must be an object of strings.");
            return;
        }

        foreach (var property in metadata.EnumerateObject())
        {
            var path = $"{prefix}customMetadata.{property.Name}";
            if (!MetadataKey().IsMatch(property.Name))
            {
                errors.Add(path, "A customMetadata key may hold only letters, digits, '_' and '.'.");
            }
            else if (property.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(path, "A customMetadata value must be a string.");
            }
        }
    }

    private static void ValidateQoeData(JsonElement element, string prefix, ErrorCollector errors)
    {
        if (!element.TryGetProperty("qoeData", out var qoe))
        {
            return;
        }

        if (qoe.ValueKind != JsonValueKind.Object)
        {
            errors.Add(prefix + "qoeData", "qoeData must be an object of integers.");
            return;
        }

        foreach (var property in qoe.EnumerateObject())
        {
            if (!Is(property.Value, ParamKind.WholeNumber))
            {
                errors.Add($"{prefix}qoeData.{property.Name}", "A qoeData value must be an integer.");
            }
        }
    }

    private static bool Is(JsonElement value, ParamKind kind) => kind switch
    {
        ParamKind.Text => value.ValueKind == JsonValueKind.String,
        ParamKind.Number => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d),
        ParamKind.WholeNumber => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        ParamKind.TrueFalse => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        _ => false,
    };

    private static string Describe(ParamKind kind) => kind switch
    {
        ParamKind.WholeNumber => "an integer",
        ParamKind.Number => "a number",
        ParamKind.TrueFalse => "a boolean",
        _ => "a string",
    };

    private static bool IsPrimitive(JsonElement value) =>
        value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.]+$")]
    private static partial Regex MetadataKey();
}
