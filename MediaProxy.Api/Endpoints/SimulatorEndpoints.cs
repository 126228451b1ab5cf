using MediaProxy.Api.Security;
using MediaProxy.Core.Upstream;
using MediaProxy.Core.Upstream.Simulator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// The built-in simulated Media Collection API, mapped only when no upstream BaseUrl is configured: what it
/// received, and the API itself under /simulator/api/v1 for clients other than the proxy.
/// </summary>
public static class SimulatorEndpoints
{
    public static IEndpointRouteBuilder MapSimulatorEndpoints(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value.UsesSimulator)
        {
            return app;
        }

        var group = app.MapGroup("/simulator").WithTags("Simulator (demo upstream)").RequireApiKey(ApiKeyRole.Admin);

        group.MapGet("/sessions", (MediaCollectionSimulator simulator) => TypedResults.Ok(simulator.List()))
            .WithSummary("Sessions the simulated upstream created, with the events it received, in order.");

        group.MapGet("/sessions/{sessionId}", Results<Ok<SimulatedSessionView>, NotFound> (string sessionId, MediaCollectionSimulator simulator) =>
                simulator.Find(sessionId) is { } session ? TypedResults.Ok(session) : TypedResults.NotFound())
            .WithSummary("One simulated session and its events.");

        group.MapDelete("/sessions", (MediaCollectionSimulator simulator) =>
            {
                simulator.Clear();
                return TypedResults.NoContent();
            })
            .WithSummary("Forget every simulated session.");

        group.MapPost("/api/v1/sessions", async (HttpRequest request, MediaCollectionSimulator simulator, CancellationToken ct) =>
                Answer(await simulator.StartSessionAsync(await ReadAsync(request, ct), ct)))
            .WithSummary("Media Collection API: start a session (201 + Location after the simulated latency).");

        group.MapPost("/api/v1/sessions/{sessionId}/events", async (string sessionId, HttpRequest request, MediaCollectionSimulator simulator, CancellationToken ct) =>
                Answer(simulator.PostEvent(sessionId, await ReadAsync(request, ct))))
            .WithSummary("Media Collection API: send an event (204).");

        group.MapGet("/api/v1/schemas/{eventType}", (string eventType) => Answer(MediaCollectionSimulator.GetSchema(eventType)))
            .WithSummary("Media Collection API: the JSON Schema of an event type (the rules the simulator answers 400 by).");

        return app;
    }

    private static async Task<string> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static IResult Answer(SimulatorAnswer answer) => answer switch
    {
        { StatusCode: 201 } => TypedResults.Created(answer.Location, (object?)null),
        { StatusCode: 204 } => TypedResults.NoContent(),
        { StatusCode: 200, Json: { } json } => TypedResults.Content(json, "application/json"),
        _ => TypedResults.Problem(statusCode: answer.StatusCode, title: answer.Error),
    };
}
