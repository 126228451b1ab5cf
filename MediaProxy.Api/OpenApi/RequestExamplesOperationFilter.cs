using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MediaProxy.Api.OpenApi;

/// <summary>
/// Copies <see cref="RequestExamples"/> metadata into the operation's JSON request body examples, and documents the
/// Idempotency-Key header where <see cref="IdempotencyKeyHeader"/> metadata says the endpoint takes it.
/// </summary>
internal sealed class RequestExamplesOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IdempotencyKeyHeader>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyKeyHeader.Name,
                In = ParameterLocation.Header,
                Required = false,
                Description = "Optional. A repeat of the same value for the same playback within 10 minutes is answered as the first post was (with Idempotent-Replayed: true) and not enqueued again. Send one per batch when retrying after a network error.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 256 },
            });
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Endpoints.EventIntake.IdempotencyKeyQuery,
                In = ParameterLocation.Query,
                Required = false,
                Description = "Optional. The Idempotency-Key for clients that cannot set headers (navigator.sendBeacon); the header wins when both are sent.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 256 },
            });
        }

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
