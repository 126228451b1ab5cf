using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>
/// Finds JSON strings (values or names) whose <c>\u</c> escapes leave a UTF-16 surrogate unpaired (<c>"\ud800"</c>):
/// valid JSON syntax, but no Unicode text, so reading such a string throws. The raw escapes are read, never the
/// string, and only in bodies that hold a <c>\u</c> at all.
/// </summary>
internal static class LoneSurrogates
{
    public const string Message = "Not valid Unicode text: a \\u escape leaves a UTF-16 surrogate unpaired.";

    /// <summary>Whether the body holds a <c>\u</c> escape anywhere (a cheap test before looking closer).</summary>
    public static bool MayHold(ReadOnlySpan<byte> body) => body.IndexOf("\\u"u8) >= 0;

    /// <summary>Whether any name or string under <paramref name="element"/> holds a lone surrogate (no allocation).</summary>
    public static bool Any(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return In(JsonMarshal.GetRawUtf8Value(element));
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (Any(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (In(JsonMarshal.GetRawUtf8PropertyName(property)) || Any(property.Value))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Adds an error at the path of every name or string under <paramref name="element"/> that holds one.</summary>
    public static void Report(JsonElement element, string path, ErrorCollector errors)
    {
        if (element.ValueKind == JsonValueKind.String && In(JsonMarshal.GetRawUtf8Value(element)))
        {
            errors.Add(path.Length > 0 ? path : "$", Message);
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                Report(item, $"{path}[{index++}]", errors);
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                // The name as written (escapes and all): it cannot be read as a string.
                var raw = JsonMarshal.GetRawUtf8PropertyName(property);
                var child = (path.Length > 0 ? path + "." : string.Empty) + Encoding.UTF8.GetString(raw).Trim('"');
                if (In(raw))
                {
                    errors.Add(child, Message);
                }

                Report(property.Value, child, errors);
            }
        }
    }

    /// <summary>Reads the escapes of one raw JSON string: a high surrogate must be followed at once by a low one.</summary>
    private static bool In(ReadOnlySpan<byte> raw)
    {
        var highPending = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\' || i + 1 >= raw.Length)
            {
                if (highPending)
                {
                    return true;
                }

                continue;
            }

            if (raw[i + 1] != (byte)'u' || i + 5 >= raw.Length)
            {
                if (highPending)
                {
                    return true;
                }

                i++; // \" \\ \/ \b \f \n \r \t: one escaped character
                continue;
            }

            var unit = Hex(raw.Slice(i + 2, 4));
            i += 5;
            var high = unit is >= 0xD800 and <= 0xDBFF;
            var low = unit is >= 0xDC00 and <= 0xDFFF;
            if (highPending != low)
            {
                return true; // a high surrogate not followed by a low one, or a low one with no high one before it
            }

            highPending = high;
        }

        return highPending;
    }

    private static int Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            value = (value << 4) | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return value;
    }
}
