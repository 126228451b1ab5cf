using System.Reflection;
using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>
/// The validation rules in force: one <see cref="MediaEventSchema"/> per event type. Immutable, so a refresh swaps
/// the whole set at once (<see cref="MediaSchemaRegistry"/>) and a post is validated against one consistent set.
/// </summary>
public sealed class MediaEventRules
{
    private static readonly Lazy<MediaEventRules> ShippedRules = new(LoadShipped);

    private readonly MediaEventSchema[] _schemas;

    public MediaEventRules(IEnumerable<MediaEventSchema> schemas)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        _schemas = [.. schemas];
        if (_schemas.DistinctBy(s => s.EventType, StringComparer.Ordinal).Count() != _schemas.Length)
        {
            throw new ArgumentException("One schema per event type.", nameof(schemas));
        }
    }

    /// <summary>The copy built from Adobe's published reference and shipped in this assembly.</summary>
    public static MediaEventRules Shipped => ShippedRules.Value;

    public IReadOnlyList<MediaEventSchema> Schemas => _schemas;

    public IEnumerable<string> EventTypes => _schemas.Select(s => s.EventType);

    public MediaEventSchema? Find(string eventType) => Array.Find(_schemas, s => s.EventType == eventType);

    /// <summary>The schema named by an <c>eventType</c> value, compared as the UTF-8 it arrived as (no string made).</summary>
    internal MediaEventSchema? Find(JsonElement eventType)
    {
        foreach (var schema in _schemas)
        {
            if (eventType.ValueEquals(schema.Utf8EventType))
            {
                return schema;
            }
        }

        return null;
    }

    /// <summary>This set with <paramref name="schema"/> in place of the one for its event type (or added).</summary>
    public MediaEventRules With(MediaEventSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return Find(schema.EventType) is null
            ? new MediaEventRules([.. _schemas, schema])
            : new MediaEventRules(_schemas.Select(s => s.EventType == schema.EventType ? schema : s));
    }

    private static MediaEventRules LoadShipped()
    {
        const string Prefix = "MediaProxy.Schemas.";
        var assembly = typeof(MediaEventRules).Assembly;
        var schemas = new List<MediaEventSchema>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var eventType = resource[Prefix.Length..^".json".Length];
            schemas.Add(MediaEventSchema.Parse(eventType, Read(assembly, resource), SchemaOrigin.Shipped));
        }

        return new MediaEventRules(schemas.OrderBy(s => Array.IndexOf(MediaEventTypes.Documented, s.EventType)));
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
