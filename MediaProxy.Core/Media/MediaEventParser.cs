using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace MediaProxy.Core.Media;

/// <summary>
/// Turns a request body (one event object or an array of them) into validated <see cref="PlaybackEvent"/>s, or
/// into an error map keyed by the path of each failing field (<c>[3].params.media.ad.id</c>).
/// A post is all-or-nothing: one bad event rejects it.
/// </summary>
public static class MediaEventParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // An event nests at most: array → event → params/playerTime/customMetadata → value.
        MaxDepth = 8,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Against the shipped rules (<see cref="MediaEventRules.Shipped"/>), owning no tracking param.</summary>
    public static MediaEventParseResult Parse(ReadOnlyMemory<byte> body, int maxEvents) =>
        Parse(body, maxEvents, TrackingPolicy.None, MediaEventRules.Shipped);

    /// <summary>
    /// Against <paramref name="rules"/>, with the tracking params the proxy owns: players may omit them from
    /// sessionStart, and the policy puts them in (or refuses differing values).
    /// </summary>
    public static MediaEventParseResult Parse(ReadOnlyMemory<byte> body, int maxEvents, TrackingPolicy tracking, MediaEventRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        // The reader checks the structure, not the bytes inside strings: invalid UTF-8 would surface later, as an
        // exception while reading a value, so it is refused here first.
        if (!Utf8.IsValid(body.Span))
        {
            return MediaEventParseResult.Invalid("$", "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return MediaEventParseResult.Invalid("$", $"The body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException) when (LoneSurrogates.MayHold(body.Span))
        {
            // The duplicate-property check reads every name: one with a lone surrogate cannot be read.
            return LoneSurrogateNames(body);
        }

        using (document)
        {
            var root = document.RootElement;
            var posted = new Posted(tracking, rules, LoneSurrogates.MayHold(body.Span));
            return root.ValueKind switch
            {
                JsonValueKind.Object => ParseEvents([root], indexed: false, posted),
                JsonValueKind.Array when root.GetArrayLength() == 0 =>
                    MediaEventParseResult.Invalid("$", "The array holds no events."),
                JsonValueKind.Array when root.GetArrayLength() > maxEvents =>
                    MediaEventParseResult.Invalid("$", $"At most {maxEvents} events per post."),
                JsonValueKind.Array => ParseEvents([.. root.EnumerateArray()], indexed: true, posted),
                _ => MediaEventParseResult.Invalid("$", "The body must be an event object or an array of events."),
            };
        }
    }

    private static MediaEventParseResult LoneSurrogateNames(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body, DocumentOptions with { AllowDuplicateProperties = true });
        var errors = new ErrorCollector();
        LoneSurrogates.Report(document.RootElement, string.Empty, errors);
        return errors.Count > 0
            ? MediaEventParseResult.Invalid(errors.ToDictionary())
            : MediaEventParseResult.Invalid("$", "The body is not valid JSON text.");
    }

    private static MediaEventParseResult ParseEvents(JsonElement[] elements, bool indexed, Posted posted)
    {
        var errors = new ErrorCollector();
        var events = new List<PlaybackEvent>(elements.Length);
        var endAt = -1;
        for (var i = 0; i < elements.Length; i++)
        {
            var index = indexed ? i : -1;
            // Checked before anything reads a string: reading one with a lone surrogate throws.
            if (posted.MayHoldEscapes && LoneSurrogates.Any(elements[i]))
            {
                LoneSurrogates.Report(elements[i], indexed ? $"[{i}]" : string.Empty, errors);
                continue;
            }

            var eventType = MediaEventValidator.Validate(elements[i], index, errors, posted.Tracking, posted.Rules);
            if (eventType is null)
            {
                continue;
            }

            if (endAt >= 0 && eventType == MediaEventTypes.SessionEnd)
            {
                continue; // A repeated sessionEnd: acknowledged, never forwarded twice (Adobe drops repeats too).
            }

            if (endAt >= 0)
            {
                errors.Add(MediaEventValidator.Path(index, "eventType"), $"No event may follow the sessionEnd at [{endAt}]: sessionEnd closes the session.");
            }
            else if (MediaEventTypes.IsEnd(eventType))
            {
                endAt = i;
            }

            var json = Compact(elements[i]);
            if (eventType == MediaEventTypes.SessionStart && posted.Tracking.Apply(json, index, errors) is { } owned)
            {
                json = owned;
            }

            events.Add(new PlaybackEvent(eventType, json));
        }

        return errors.Count > 0 ? MediaEventParseResult.Invalid(errors.ToDictionary()) : new(events, null);
    }

    /// <summary>What every event of one post is checked with.</summary>
    private readonly record struct Posted(TrackingPolicy Tracking, MediaEventRules Rules, bool MayHoldEscapes);

    /// <summary>
    /// Re-writes the element without insignificant whitespace; values are copied as they were. The relaxed encoder
    /// leaves non-ASCII and HTML-significant characters as sent (an "é" stays an "é", not an escape sequence): the
    /// upstream is a JSON API, not an HTML page.
    /// </summary>
    private static string Compact(JsonElement element)
    {
        // One buffer and writer per thread, reused: every event of every post passes here (Compact is synchronous,
        // so a thread never uses them twice at once). A buffer grown by a rare large event is not kept.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        element.WriteTo(writer);
        writer.Flush();
        var json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024)
        {
            (t_buffer, t_writer) = (null, null);
        }

        return json;
    }

    private static readonly JsonWriterOptions WriterOptions =
        new() { Indented = false, SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;
}

public sealed record MediaEventParseResult(IReadOnlyList<PlaybackEvent> Events, IDictionary<string, string[]>? Errors)
{
    public bool IsValid => Errors is null;

    public static MediaEventParseResult Invalid(string path, string message) =>
        new([], new Dictionary<string, string[]>(StringComparer.Ordinal) { [path] = [message] });

    public static MediaEventParseResult Invalid(IDictionary<string, string[]> errors) => new([], errors);
}

/// <summary>Collects messages per field path, in the order found.</summary>
internal sealed class ErrorCollector
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public int Count => _errors.Count;

    public void Add(string path, string message)
    {
        if (!_errors.TryGetValue(path, out var messages))
        {
            _errors[path] = messages = [];
        }

        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
