using System.Text;
using System.Text.Json.Nodes;
using MediaProxy.Api.Contracts;
using MediaProxy.Core.Media;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MediaProxy.Api.OpenApi;

/// <summary>
/// Writes the validation rules into the event schema from the same table the validator reads
/// (<see cref="MediaEventTypes"/>): the 19 event types as an enum, and the required params of each.
/// </summary>
internal sealed class MediaEventSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(MediaEventDocument) || schema is not OpenApiSchema eventSchema)
        {
            return;
        }

        if (eventSchema.Properties?.TryGetValue("eventType", out var eventType) == true && eventType is OpenApiSchema type)
        {
            type.Enum = [.. MediaEventTypes.All.Order(StringComparer.Ordinal).Select(t => (JsonNode)JsonValue.Create(t))];
        }

        var rules = new StringBuilder(eventSchema.Description is { Length: > 0 } doc ? doc.TrimEnd() + " " : string.Empty).Append("Required params per event type: ");
        foreach (var (name, required) in MediaEventTypes.RequiredParams.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            rules.Append(name).Append(" → ")
                .Append(string.Join(", ", required.Select(r => $"{r.Name} ({r.Kind.ToString().ToUpperInvariant()})")))
                .Append("; ");
        }

        rules.Append("customMetadata only on ").Append(string.Join(", ", MediaEventTypes.WithCustomMetadata.Order(StringComparer.Ordinal)))
            .Append(". Params values are strings, numbers or booleans; qoeData values are integers.");
        eventSchema.Description = rules.ToString();
    }
}
