using System.Buffers;

namespace MediaProxy.Core.Queue;

/// <summary>
/// A reversible, lossless packing of Adobe event JSON for the store: the schema's recurring text (<c>{"playerTime":
/// {"playhead":</c>, <c>"media.ad.</c>, …) becomes one control character each. Valid JSON text never holds a raw
/// control character other than tab, LF and CR (inside strings they must be escaped), so those characters are free
/// to stand for the phrases, and unpacking is exact. A waiting playback costs about half the Redis memory its JSON
/// would (design.md, "Memory of a waiting playback"). Packed text starts with <see cref="Marker"/>; text without it
/// is read as it is, so entries written before packing, or by another version, still read back.
/// </summary>
public static class CompactJson
{
    /// <summary>Starts every packed text (a new phrase table would take a new marker).</summary>
    public const char Marker = '\u001F';

    // Longest first among phrases that share a first character, so the longest match wins. 0x09, 0x0A and 0x0D
    // are JSON whitespace and 0x1F is the marker: none of them stands for a phrase.
    private static readonly string[] Phrases =
    [
        "{\"playerTime\":{\"playhead\":", ",\"ts\":", "},\"eventType\":\"", "\",\"params\":{", ",\"customMetadata\":{",
        ",\"qoeData\":{", "\"media.ad.", "\"media.chapter.", "\"media.qoe.", "\"media.", "\"analytics.", "\"visitor.",
        "\":\"", "\",\"", "\"},\"", "\"}}", "}}", ":true", ":false", "\"ping\"}", "\"play\"", "\"eventType\":\"",
    ];

    private static readonly char[] Codes = BuildCodes();

    // Phrase by code character (null: not a code).
    private static readonly string?[] PhraseOf = BuildPhraseOf();

    // Text holding any of these (invalid JSON) is stored as it is: packing it could not be undone exactly.
    private static readonly SearchValues<char> Reserved = SearchValues.Create([.. Codes, Marker]);

    // For each first character, the indexes of the phrases that start with it (longest first).
    private static readonly Dictionary<char, int[]> ByFirst = Phrases
        .Select((phrase, index) => (phrase, index))
        .GroupBy(p => p.phrase[0])
        .ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.phrase.Length).Select(p => p.index).ToArray());

    private static readonly SearchValues<char> FirstChars = SearchValues.Create([.. ByFirst.Keys]);

    /// <summary>Packs <paramref name="json"/> (valid JSON text); returns it unchanged if it holds a raw control character.</summary>
    public static string Pack(string json)
    {
        if (json.AsSpan().IndexOfAny(Reserved) >= 0)
        {
            return json;
        }

        var buffer = ArrayPool<char>.Shared.Rent(json.Length + 1);
        try
        {
            var length = 0;
            buffer[length++] = Marker;
            var rest = json.AsSpan();
            while (!rest.IsEmpty)
            {
                var next = rest.IndexOfAny(FirstChars);
                if (next < 0)
                {
                    rest.CopyTo(buffer.AsSpan(length));
                    length += rest.Length;
                    break;
                }

                rest[..next].CopyTo(buffer.AsSpan(length));
                length += next;
                rest = rest[next..];
                var matched = Match(rest);
                if (matched < 0)
                {
                    buffer[length++] = rest[0];
                    rest = rest[1..];
                }
                else
                {
                    buffer[length++] = Codes[matched];
                    rest = rest[Phrases[matched].Length..];
                }
            }

            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    /// <summary>The JSON text of <paramref name="stored"/>: unpacked if packed, else as it is.</summary>
    public static string Unpack(string stored)
    {
        if (stored.Length == 0 || stored[0] != Marker)
        {
            return stored;
        }

        var length = 0;
        foreach (var c in stored.AsSpan(1))
        {
            length += Phrase(c)?.Length ?? 1;
        }

        return string.Create(length, stored, static (span, packed) =>
        {
            var at = 0;
            foreach (var c in packed.AsSpan(1))
            {
                if (Phrase(c) is { } phrase)
                {
                    phrase.CopyTo(span[at..]);
                    at += phrase.Length;
                }
                else
                {
                    span[at++] = c;
                }
            }
        });
    }

    private static string? Phrase(char c) => c < PhraseOf.Length ? PhraseOf[c] : null;

    private static int Match(ReadOnlySpan<char> text)
    {
        foreach (var index in ByFirst[text[0]])
        {
            if (text.StartsWith(Phrases[index], StringComparison.Ordinal))
            {
                return index;
            }
        }

        return -1;
    }

    private static string?[] BuildPhraseOf()
    {
        var table = new string?[Marker];
        for (var i = 0; i < Codes.Length; i++)
        {
            table[Codes[i]] = Phrases[i];
        }

        return table;
    }

    private static char[] BuildCodes()
    {
        var codes = Enumerable.Range(1, 0x1E).Select(c => (char)c).Where(c => c is not ('\t' or '\n' or '\r')).Take(Phrases.Length).ToArray();
        return codes.Length == Phrases.Length ? codes : throw new InvalidOperationException("More phrases than free control characters.");
    }
}
