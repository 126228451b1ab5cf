using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MediaProxy.Api.OpenApi;

/// <summary>Copies <see cref="RequestExamples"/> metadata into the operation's JSON request body examples.</summary>
internal sealed class RequestExamplesOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var examples = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExamples>().FirstOrDefault();
        if (examples is null || operation.RequestBody?.Content is not { } content
            || !content.TryGetValue("application/json", out var mediaType))
        {
            return;
        }

        mediaType.Examples ??= new Dictionary<string, IOpenApiExample>();
        foreach (var (name, json) in examples.Json)
        {
            mediaType.Examples[name] = new OpenApiExample { Summary = name, Value = JsonNode.Parse(json) };
        }
    }
}
