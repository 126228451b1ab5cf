using MediaProxy.Api.Contracts;
using MediaProxy.Api.OpenApi;
using MediaProxy.Api.Security;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// The drop-in Media Collection API: a player already written against Adobe's API changes only its base URL.
/// The sessions call answers 201 at once with an id the proxy made up (a playback key); the real sessions call
/// happens behind it exactly as for the player API, and the events share its durability, ordering and status.
/// </summary>
public static class MediaCollectionEndpoints
{
    public const string Prefix = "/api/v1/sessions";

    public static IEndpointRouteBuilder MapMediaCollectionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Prefix).WithTags("Media Collection API (drop-in)")
            .AddEndpointFilter<ShuttingDownFilter>()
            .AddEndpointFilter<PlaybackLogScopeFilter>()
            .RequireCors(CorsOptions.PolicyName)
            .RequireApiKey(ApiKeyRole.Player);

        group.MapPost("/", StartSessionAsync)
            .WithName("StartSession")
            .WithSummary("Adobe's sessions call, answered at once: 201 with Location /api/v1/sessions/{id}.")
            .WithDescription("""
                Takes Adobe's sessionStart body unchanged. The id in Location is a playback key made up by the proxy
                (32 hex characters); the upstream sessions call runs in the background and events posted meanwhile
                are queued. GET /v1/playbacks/{id} shows the playback's state.
                """)
            .Accepts<MediaEventDocument>("application/json")
            .WithMetadata(PlaybackExamples.SessionStart)
            .Produces(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapPost("/{sessionId}/events", PostEventAsync)
            .WithName("PostSessionEvent")
            .WithSummary("Adobe's events call: 204 once the event is durable or accepted upstream.")
            .WithDescription("404 for an unknown id, 410 once the session's sessionEnd was accepted (a repeated sessionEnd is answered 204 and not sent again).")
            .Accepts<MediaEventDocument>("application/json")
            .WithMetadata(new IdempotencyKeyHeader())
            .WithMetadata(PlaybackExamples.SingleEvents)
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        // Adobe's schema endpoint, answered with the rules this proxy applies (shipped, or fetched from the upstream).
        app.MapGet("/api/v1/schemas/{eventType}", GetSchema)
            .WithTags("Media Collection API (drop-in)")
            .WithName("GetEventSchema")
            .WithSummary("Adobe's schema endpoint: the JSON Schema (draft-04) the proxy validates this event type with.")
            .WithDescription("The rules in force: fetched from the upstream's own /api/v1/schemas/{eventType}, or the shipped copy built from Adobe's published reference.")
            .RequireCors(CorsOptions.PolicyName)
            .Produces<string>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static Results<ContentHttpResult, ProblemHttpResult> GetSchema(string eventType, MediaSchemaRegistry schemas) =>
        schemas.Current.Find(eventType) is { } schema
            ? TypedResults.Content(schema.Document, "application/json")
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown event type.",
                detail: $"Known event types: {string.Join(", ", schemas.Current.EventTypes)}.");

    internal static async Task<Results<Created, ValidationProblem, ProblemHttpResult>> StartSessionAsync(
        HttpRequest request, EventIntake intake, CancellationToken cancellationToken)
    {
        // Random like Adobe's opaque hex ids, and a valid playback key: unguessable, so ids cannot be hijacked.
        var playbackKey = Guid.NewGuid().ToString("N");
        var outcome = await intake.AcceptAsync(playbackKey, request, OnlySessionStart, cancellationToken);
        if (outcome.Invalid is { } invalid)
        {
            return invalid;
        }

        return outcome.Result is { Accepted: true }
            ? TypedResults.Created($"{request.PathBase}{Prefix}/{playbackKey}")
            : outcome.Problem!;
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> PostEventAsync(
        string sessionId, HttpRequest request, EventIntake intake, PlaybackService playbacks, CancellationToken cancellationToken)
    {
        // Not even the shape of an id this proxy makes (a trailing newline, a path): refused, as on the player API.
        if (!PlaybackKey.IsValid(sessionId))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["sessionId"] = [$"A session id here is a playback key: it matches {PlaybackKey.Pattern}."] },
                title: "Invalid session id.");
        }

        // Only ids this surface (or the player API) created exist; anything else is unknown, as upstream.
        if (await playbacks.GetAsync(sessionId, cancellationToken) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown session.",
                detail: "No session with this id exists (or it expired). Start one with POST /api/v1/sessions.");
        }

        var outcome = await intake.AcceptAsync(sessionId, request, check: null, cancellationToken);
        if (outcome.Invalid is { } invalid)
        {
            return invalid;
        }

        if (outcome.Result is { Accepted: true })
        {
            return TypedResults.NoContent();
        }

        return outcome.Problem ?? TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The session has ended.",
            detail: "A sessionEnd was accepted for this session; start a new one with POST /api/v1/sessions.");
    }

    private static ValidationProblem? OnlySessionStart(IReadOnlyList<PlaybackEvent> events) =>
        events is [{ IsSessionStart: true }]
            ? null
            : TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["eventType"] = ["POST /api/v1/sessions takes exactly one sessionStart event."] },
                title: "Not a sessionStart.");
}
