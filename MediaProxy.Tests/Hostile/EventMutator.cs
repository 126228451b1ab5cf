using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Hostile;

/// <summary>
/// Seeded mutations of valid Media Collection events: structural (JSON types swapped, properties dropped or
/// renamed, deep nesting) and textual (truncation, garbage, invalid UTF-8, NaN, duplicate keys, comments).
/// Deterministic for a seed, so a failure names a case that can be replayed.
/// </summary>
internal sealed class EventMutator(int seed)
{
    private static readonly string[] Types = [.. MediaEventRules.Shipped.EventTypes.Order(StringComparer.Ordinal)];
    private readonly Random _random = new(seed);

    /// <summary>A valid event of <paramref name="eventType"/>, its media id set to <paramref name="mediaId"/> for a sessionStart.</summary>
    public static JsonObject Valid(string eventType, string mediaId, int seq)
    {
        var parameters = new JsonObject();
        var schema = MediaEventRules.Shipped.Find(eventType)!;
        foreach (var param in schema.Params().Where(p => p.Required))
        {
            parameters[param.Name] = param.Type switch
            {
                "a number" => JsonValue.Create(12.5),
                "an integer" => JsonValue.Create(3),
                "a boolean" => JsonValue.Create(true),
                _ => JsonValue.Create(param.Name == "media.id" ? mediaId : "value"),
            };
        }

        var e = new JsonObject
        {
            ["playerTime"] = new JsonObject { ["playhead"] = seq, ["ts"] = 1_732_500_000_000L + seq },
            ["eventType"] = eventType,
            ["params"] = parameters,
        };
        if (schema.CarriesCustomMetadata)
        {
            e["customMetadata"] = new JsonObject { ["genre"] = "drama" };
        }

        return e;
    }

    /// <summary>One hostile body: usually a mutated event or array, sometimes a valid one (to keep both paths busy).</summary>
    public byte[] Next(string mediaId)
    {
        var type = Types[_random.Next(Types.Length)];
        JsonNode body = _random.Next(4) == 0
            ? new JsonArray([.. Enumerable.Range(0, Pick(0, 1, 2, 20, 100, 101)).Select(i => (JsonNode)Valid(Types[_random.Next(Types.Length)], mediaId, i))])
            : Valid(type, mediaId, 1);
        if (_random.Next(10) > 0)
        {
            MutateTree(body);
        }

        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        return _random.Next(3) == 0 ? MutateText(bytes) : bytes;
    }

    private void MutateTree(JsonNode body)
    {
        var target = body is JsonArray { Count: > 0 } array ? array[_random.Next(array.Count)]! : body;
        if (target is not JsonObject e)
        {
            return;
        }

        var holder = _random.Next(3) switch
        {
            0 when e["params"] is JsonObject p && p.Count > 0 => p,
            1 when e["playerTime"] is JsonObject t => t,
            _ => e,
        };
        var names = holder.Select(p => p.Key).ToList();
        var name = names.Count > 0 ? names[_random.Next(names.Count)] : "x";
        switch (_random.Next(6))
        {
            case 0: holder.Remove(name); break;
            case 1: holder[name] = RandomValue(); break;
            case 2: holder.Remove(name); holder[name + "_renamed"] = RandomValue(); break;
            case 3: holder["unknown." + _random.Next(100).ToString(CultureInfo.InvariantCulture)] = RandomValue(); break;
            case 4: holder[name] = Deep(_random.Next(5, 300)); break;
            default: e["eventType"] = Pick("dance", "", "SESSIONSTART", "play ", "ping"); break;
        }
    }

    private byte[] MutateText(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var at = _random.Next(text.Length + 1);
        return _random.Next(9) switch
        {
            0 => bytes[..Math.Min(at, bytes.Length)],
            1 => [.. bytes, .. Encoding.UTF8.GetBytes(Pick("}", "]", " garbage", "{}", ",", "\0"))],
            2 => [.. bytes[..Math.Min(at, bytes.Length)], 0xC3, 0x28, .. bytes[Math.Min(at, bytes.Length)..]],
            3 => [0xEF, 0xBB, 0xBF, .. bytes],
            4 => Encoding.UTF8.GetBytes(text.Replace("12.5", Pick("NaN", "Infinity", "-Infinity", "1e400", "-0", "9223372036854775808"), StringComparison.Ordinal)),
            5 => Encoding.UTF8.GetBytes(text.Insert(Math.Max(1, text.IndexOf('{', StringComparison.Ordinal) + 1), "\"eventType\":\"play\",")),
            6 => Encoding.UTF8.GetBytes(text.Insert(Math.Max(0, text.Length - 1), "/* comment */")),
            7 => Encoding.UTF8.GetBytes(text.Replace("}", ",}", StringComparison.Ordinal)),
            _ => Encoding.UTF8.GetBytes(text.Insert(at, "\u0001\u001f")),
        };
    }

    private JsonNode? RandomValue() => _random.Next(8) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(-_random.NextDouble() * 1e6),
        3 => JsonValue.Create(new string('x', Pick(0, 1, 10_000))),
        4 => new JsonArray(1, "two", null),
        5 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = 1 } },
        6 => JsonValue.Create(long.MaxValue),
        _ => JsonValue.Create("\u202e\ud83d\ude00<script>"),
    };

    private static JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create(1);
        for (var i = 0; i < depth; i++)
        {
            node = new JsonObject { ["d"] = node };
        }

        return node;
    }

    private T Pick<T>(params T[] options) => options[_random.Next(options.Length)];
}
