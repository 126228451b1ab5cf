using System.Text;
using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>Where the schema of an event type in force came from.</summary>
public enum SchemaOrigin
{
    /// <summary>The copy built into the proxy (<c>Media/Schemas/*.json</c>).</summary>
    Shipped,

    /// <summary>Fetched from the configured upstream's <c>/api/v1/schemas/{eventType}</c>.</summary>
    Upstream,

    /// <summary>Fetched from the upstream earlier (by this or another instance) and kept in the store.</summary>
    Store,
}

/// <summary>
/// The schema of one event type: its document as served (Adobe's <c>/api/v1/schemas/{eventType}</c> shape), its
/// compiled rules and where it came from. Immutable; a refresh replaces it whole.
/// </summary>
public sealed class MediaEventSchema
{
    private MediaEventSchema(string eventType, string document, CompiledSchema compiled, SchemaOrigin origin, DateTimeOffset? fetchedAt)
    {
        EventType = eventType;
        Utf8EventType = Encoding.UTF8.GetBytes(eventType);
        Document = document;
        Root = compiled.Root;
        NotEnforced = compiled.NotEnforced;
        Origin = origin;
        FetchedAt = fetchedAt;
    }

    public string EventType { get; }

    /// <summary>The JSON Schema document, exactly as shipped or fetched.</summary>
    public string Document { get; }

    public SchemaOrigin Origin { get; }

    /// <summary>When the document was fetched from the upstream (null for the shipped copy).</summary>
    public DateTimeOffset? FetchedAt { get; }

    /// <summary>JSON pointers of keywords in the document that intake does not enforce (the upstream still does).</summary>
    public IReadOnlyList<string> NotEnforced { get; }

    internal byte[] Utf8EventType { get; }

    internal SchemaNode Root { get; }

    /// <summary>
    /// Parses and compiles <paramref name="document"/> as the schema of <paramref name="eventType"/>; throws
    /// <see cref="InvalidSchemaException"/> when it is not JSON, not a usable schema, or not one for that event type.
    /// </summary>
    public static MediaEventSchema Parse(string eventType, string document, SchemaOrigin origin, DateTimeOffset? fetchedAt = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        CompiledSchema compiled;
        try
        {
            using var json = JsonDocument.Parse(document);
            compiled = SchemaCompiler.Compile(json.RootElement);
        }
        catch (JsonException ex)
        {
            throw new InvalidSchemaException($"Not JSON: {ex.Message}", ex);
        }

        CheckDescribesEvent(eventType, compiled.Root);
        return new MediaEventSchema(eventType, document, compiled, origin, fetchedAt);
    }

    /// <summary>The params this schema declares, with their JSON types and whether they are required.</summary>
    public IReadOnlyList<ParamDescription> Params()
    {
        if (Property(Root, "params") is not { } parameters)
        {
            return [];
        }

        var required = parameters.Required.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        return [.. parameters.Properties.All.Select(p => new ParamDescription(p.Name, SchemaText.Describe(p.Node.Types), required.Contains(p.Name)))];
    }

    /// <summary>Whether this event type may carry customMetadata keys (not just an empty object).</summary>
    public bool CarriesCustomMetadata =>
        Property(Root, "customMetadata") is { } metadata && (metadata.Patterns.Length > 0 || metadata.Properties.Count > 0 || metadata.AdditionalAllowed);

    private static SchemaNode? Property(SchemaNode node, string name) => node.Properties.Find(Encoding.UTF8.GetBytes(name))?.Node;

    // A document that parses and compiles may still be something else (an error object, another type's schema):
    // taking it would let anything through, or nothing.
    private static void CheckDescribesEvent(string eventType, SchemaNode root)
    {
        if ((root.Types & JsonTypes.Object) == 0 || Property(root, "playerTime") is null || Property(root, "eventType") is not { } type)
        {
            throw new InvalidSchemaException($"Not a schema of {eventType} events: no object with eventType and playerTime.");
        }

        if (type.Enum is { } allowed && !allowed.Any(v => v.Text == eventType))
        {
            throw new InvalidSchemaException($"Not a schema of {eventType} events: its eventType enum is {string.Join(", ", allowed.Select(v => v.Text))}.");
        }
    }
}

/// <summary>A param an event type's schema declares.</summary>
public sealed record ParamDescription(string Name, string Type, bool Required);
