using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>
/// Walks one event against its compiled schema. The valid path allocates nothing: names are looked up as the UTF-8
/// they arrived as, pattern names are matched from a stack buffer, and the path of a field (a stack of the JSON
/// properties and indexes on the way down) becomes a string only when an error is reported.
/// </summary>
internal ref partial struct SchemaWalker
{
    private const int MaxPath = 16;

    private readonly ErrorCollector _errors;
    private readonly string _eventType;
    private readonly int _eventIndex;
    private readonly TrackingPolicy _tracking;
    private PathBuffer _path;
    private int _depth;

    /// <summary>Walks an event of <paramref name="eventType"/>, at <paramref name="eventIndex"/> in an array post (-1: a single event).</summary>
    public SchemaWalker(ErrorCollector errors, string eventType, int eventIndex, TrackingPolicy tracking)
    {
        _errors = errors;
        _eventType = eventType;
        _eventIndex = eventIndex;
        _tracking = tracking;
    }

    public void Value(JsonElement value, SchemaNode node)
    {
        if (!Matches(value, node.Types))
        {
            Error($"{Name()} must be {SchemaText.Describe(node.Types)}.");
            return;
        }

        if (node.Enum is { } allowed && !IsOneOf(value, allowed))
        {
            Error($"{Name()} must be one of: {string.Join(", ", allowed.Select(v => v.Text))}.");
            return;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String when node.MinLength > 0 && Length(value, node.MinLength) < node.MinLength:
                Error(node.MinLength == 1 ? $"{Name()} must not be empty." : $"{Name()} must hold at least {node.MinLength} characters.");
                break;
            case JsonValueKind.Number when node.Minimum is { } minimum && !(value.TryGetDouble(out var number) && number >= minimum):
                Error($"{Name()} must be {SchemaText.Number(minimum)} or more.");
                break;
            case JsonValueKind.Object:
                Object(value, node);
                break;
            case JsonValueKind.Array when node.Items is { } items:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Push(new PathSegment(default, index++));
                    Value(item, items);
                    _depth--;
                }

                break;
        }
    }

    private void Object(JsonElement value, SchemaNode node)
    {
        Span<char> names = node.Patterns.Length > 0 ? stackalloc char[128] : default;
        var seen = 0UL;
        foreach (var property in value.EnumerateObject())
        {
            Push(new PathSegment(property, -1));
            var declared = Find(node.Properties, property);
            var matched = declared is not null;
            if (declared is not null)
            {
                seen |= declared.RequiredIndex >= 0 ? 1UL << declared.RequiredIndex : 0;
                Value(property.Value, declared.Node);
            }

            foreach (var pattern in node.Patterns)
            {
                switch (Match(pattern, property, names))
                {
                    case PatternMatch.Matched:
                        matched = true;
                        Value(property.Value, pattern.Node);
                        break;
                    case PatternMatch.TimedOut:
                        // Undecided is not "does not match": say which it was rather than refuse the name as unknown.
                        matched = true;
                        Error($"{Name()} could not be checked against {pattern.Pattern} within {pattern.Regex.MatchTimeout.TotalMilliseconds} ms; a shorter or plainer name will do.");
                        break;
                }
            }

            if (!matched && node.Additional is { } additional)
            {
                Value(property.Value, additional);
            }
            else if (!matched && !node.AdditionalAllowed)
            {
                Error(NotAllowed(node));
            }

            _depth--;
        }

        for (var i = 0; i < node.Required.Length; i++)
        {
            var required = node.Required[i];
            var present = required.Declared ? (seen & (1UL << i)) != 0 : value.TryGetProperty(required.Utf8, out _);
            // Params the proxy owns (tracking configuration) are put in by the proxy after validation.
            if (!present && !(InParams && _tracking.Owns(required.Name)))
            {
                _errors.Add(Path(required.Name), $"{required.Name} is required for {_eventType}.");
            }
        }
    }

    private static PropertyRule? Find(PropertyTable table, JsonProperty property)
    {
        if (table.Count == 0)
        {
            return null;
        }

        var raw = Unquoted(JsonMarshal.GetRawUtf8PropertyName(property));
        if (raw.IndexOf((byte)'\\') < 0)
        {
            return table.Find(raw);
        }

        // An escaped name ("media\u002eid"): compared unescaped, one rule at a time (rare, still no allocation).
        foreach (var rule in table.All)
        {
            if (property.NameEquals(rule.Utf8))
            {
                return rule;
            }
        }

        return null;
    }

    private static PatternMatch Match(PatternRule pattern, JsonProperty property, Span<char> buffer)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8PropertyName(property));
        return raw.IndexOf((byte)'\\') < 0 && Encoding.UTF8.GetMaxCharCount(raw.Length) <= buffer.Length
            ? pattern.Match(buffer[..Encoding.UTF8.GetChars(raw, buffer)])
            : pattern.Match(property.Name);
    }

    private static bool Matches(JsonElement value, JsonTypes types) => value.ValueKind switch
    {
        JsonValueKind.Object => (types & JsonTypes.Object) != 0,
        JsonValueKind.Array => (types & JsonTypes.Array) != 0,
        JsonValueKind.String => (types & JsonTypes.String) != 0,
        JsonValueKind.True or JsonValueKind.False => (types & JsonTypes.Boolean) != 0,
        JsonValueKind.Null => (types & JsonTypes.Null) != 0,
        JsonValueKind.Number when (types & JsonTypes.Number) != 0 => value.TryGetDouble(out var number) && double.IsFinite(number),
        JsonValueKind.Number => (types & JsonTypes.Integer) != 0 && IsInteger(value),
        _ => false,
    };

    /// <summary>Draft-04's integer: a JSON number written without a fraction or an exponent.</summary>
    private static bool IsInteger(JsonElement value) => JsonMarshal.GetRawUtf8Value(value).IndexOfAny(".eE"u8) < 0;

    private static bool IsOneOf(JsonElement value, EnumValue[] allowed)
    {
        foreach (var candidate in allowed)
        {
            var equal = value.ValueKind switch
            {
                JsonValueKind.String => candidate.Utf8String is { } text && value.ValueEquals(text),
                JsonValueKind.Number => candidate.Number is { } n && value.TryGetDouble(out var d) && d == n,
                JsonValueKind.True or JsonValueKind.False => candidate.Boolean == (value.ValueKind == JsonValueKind.True),
                JsonValueKind.Null => candidate is { Utf8String: null, Number: null, Boolean: null },
                _ => false,
            };
            if (equal)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A string's length in code points, counted only as far as <paramref name="enough"/> when unescaped.</summary>
    private static int Length(JsonElement value, int enough)
    {
        var raw = Unquoted(JsonMarshal.GetRawUtf8Value(value));
        if (raw.IndexOf((byte)'\\') >= 0)
        {
            var text = value.GetString()!;
            return text.EnumerateRunes().Count();
        }

        var count = 0;
        foreach (var b in raw)
        {
            // Every byte that does not continue a UTF-8 sequence starts a code point.
            if ((b & 0xC0) != 0x80 && ++count >= enough)
            {
                break;
            }
        }

        return count;
    }

    private static ReadOnlySpan<byte> Unquoted(ReadOnlySpan<byte> raw) =>
        raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"' ? raw[1..^1] : raw;
}
