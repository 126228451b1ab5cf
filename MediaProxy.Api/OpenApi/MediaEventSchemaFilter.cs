using System.Text;
using System.Text.Json.Nodes;
using MediaProxy.Api.Contracts;
using MediaProxy.Core.Media;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MediaProxy.Api.OpenApi;

/// <summary>
/// Writes the validation rules into the event schema from the rules the validator reads (<see cref="MediaSchemaRegistry"/>):
/// the event types as an enum, and the required params of each, customMetadata and where the full schemas are.
/// </summary>
internal sealed class MediaEventSchemaFilter(MediaSchemaRegistry schemas) : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(MediaEventDocument) || schema is not OpenApiSchema eventSchema)
        {
            return;
        }

        var rules = schemas.Current;
        if (eventSchema.Properties?.TryGetValue("eventType", out var eventType) == true && eventType is OpenApiSchema type)
        {
            type.Enum = [.. rules.EventTypes.Select(t => (JsonNode)JsonValue.Create(t))];
        }

        var text = new StringBuilder(eventSchema.Description is { Length: > 0 } doc ? doc.TrimEnd() + " " : string.Empty)
            .Append("Each event is checked against the JSON Schema of its type, as Adobe serves them (GET /api/v1/schemas/{eventType} ")
            .Append("here shows the rules in force): unknown params, params of the wrong type and anything else the schema refuses get a 400 ")
            .Append("naming the field. Required params per event type: ");
        foreach (var typeSchema in rules.Schemas)
        {
            var required = typeSchema.Params().Where(p => p.Required).ToList();
            if (required.Count > 0)
            {
                text.Append(typeSchema.EventType).Append(" → ")
                    .Append(string.Join(", ", required.Select(p => $"{p.Name} ({p.Type})")))
                    .Append("; ");
            }
        }

        text.Append("customMetadata keys only on ")
            .Append(string.Join(", ", rules.Schemas.Where(s => s.CarriesCustomMetadata).Select(s => s.EventType)))
            .Append(" (string values).");
        eventSchema.Description = text.ToString();
    }
}
