using MediaProxy.Api.Contracts;
using MediaProxy.Api.Hosting;
using MediaProxy.Api.OpenApi;
using MediaProxy.Api.Security;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Endpoints;

/// <summary>The player API: post events under a playback key, read a playback's status and dead letters.</summary>
public static class PlaybackEndpoints
{
    public static IEndpointRouteBuilder MapPlaybackEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/playbacks/{playbackKey}").WithTags("Playbacks")
            .AddEndpointFilter<ShuttingDownFilter>()
            .AddEndpointFilter<PlaybackLogScopeFilter>()
            .RequireCors(CorsOptions.PolicyName);

        group.MapPost("/events", PostEventsAsync)
            .RequireApiKey(ApiKeyRole.Player)
            .WithName("PostPlaybackEvents")
            .WithSummary("Post one event or an array of events for a playback; answered at once, never waiting for the upstream session.")
            .WithDescription("""
                The first sessionStart of a playback key starts the upstream session in the background. Until its id
                returns, events are queued in order; then the queue is replayed and later events are forwarded
                directly. A 202 means every event of the post is durable or already accepted upstream.
                """)
            .Accepts<MediaEventDocument>("application/json")
            .WithMetadata(new IdempotencyKeyHeader())
            .WithMetadata(PlaybackExamples.Events)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        group.MapGet("/", GetStatusAsync)
            .RequireApiKey(ApiKeyRole.Player)
            .WithName("GetPlayback")
            .WithSummary("The playback's state, upstream session id and counts.");

        group.MapPost("/retry", RetryAsync)
            .RequireApiKey(ApiKeyRole.Admin)
            .WithName("RetryPlayback")
            .WithSummary("Put a failed playback back to work: a new sessions call, or the rest of its replay.")
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/dead-letters", GetDeadLettersAsync)
            .RequireApiKey(ApiKeyRole.Admin)
            .WithName("GetPlaybackDeadLetters")
            .WithSummary("Events the upstream refused (400), with its status and answer; kept until the playback expires.");

        return app;
    }

    internal static async Task<Results<Accepted<PlaybackAcceptedResponse>, ValidationProblem, ProblemHttpResult>> PostEventsAsync(
        string playbackKey, HttpRequest request, EventIntake intake, CancellationToken cancellationToken)
    {
        if (InvalidKey(playbackKey) is { } invalidKey)
        {
            return invalidKey;
        }

        var outcome = await intake.AcceptAsync(playbackKey, request, check: null, cancellationToken);
        if (outcome.Invalid is { } invalid)
        {
            return invalid;
        }

        if (outcome.Result is not { Accepted: true } result)
        {
            return outcome.Problem ?? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The playback has ended.",
                detail: "A sessionEnd was accepted for this playback key; start a new playback with a new key.");
        }

        return TypedResults.Accepted($"/v1/playbacks/{playbackKey}",
            new PlaybackAcceptedResponse(playbackKey, result.Count, result.State.ToWire()));
    }

    internal static async Task<Results<Ok<PlaybackStatusResponse>, ValidationProblem, ProblemHttpResult>> GetStatusAsync(
        string playbackKey, PlaybackService playbacks, CancellationToken cancellationToken)
    {
        if (InvalidKey(playbackKey) is { } invalidKey)
        {
            return invalidKey;
        }

        var playback = await playbacks.GetAsync(playbackKey, cancellationToken);
        if (playback is null)
        {
            return UnknownPlayback();
        }

        return TypedResults.Ok(new PlaybackStatusResponse(playbackKey, playback.State.ToWire(), playback.SessionId,
            playback.Queued, playback.Forwarded, playback.DeadLettered, playback.LastError));
    }

    internal static async Task<Results<Accepted<PlaybackStatusResponse>, ValidationProblem, ProblemHttpResult>> RetryAsync(
        string playbackKey, PlaybackService playbacks, CancellationToken cancellationToken)
    {
        if (InvalidKey(playbackKey) is { } invalidKey)
        {
            return invalidKey;
        }

        if (await playbacks.RetryAsync(playbackKey, cancellationToken) is not { } result)
        {
            return UnknownPlayback();
        }

        if (!result.Retried)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The playback has not failed.",
                detail: $"Only a failed playback can be retried; this one is {result.State.ToWire()}.");
        }

        var playback = (await playbacks.GetAsync(playbackKey, cancellationToken))!;
        return TypedResults.Accepted($"/v1/playbacks/{playbackKey}", new PlaybackStatusResponse(playbackKey, playback.State.ToWire(),
            playback.SessionId, playback.Queued, playback.Forwarded, playback.DeadLettered, playback.LastError));
    }

    internal static async Task<Results<Ok<DeadLettersResponse>, ValidationProblem, ProblemHttpResult>> GetDeadLettersAsync(
        string playbackKey, PlaybackService playbacks, CancellationToken cancellationToken)
    {
        if (InvalidKey(playbackKey) is { } invalidKey)
        {
            return invalidKey;
        }

        if (await playbacks.GetAsync(playbackKey, cancellationToken) is null)
        {
            return UnknownPlayback();
        }

        var records = await playbacks.GetDeadLettersAsync(playbackKey, cancellationToken);
        return TypedResults.Ok(new DeadLettersResponse(playbackKey,
            [.. records.Select(r => System.Text.Json.JsonDocument.Parse(r).RootElement)]));
    }

    private static ValidationProblem? InvalidKey(string playbackKey) => PlaybackKey.IsValid(playbackKey)
        ? null
        : TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["playbackKey"] = [$"A playback key matches {PlaybackKey.Pattern} (a UUID, with or without dashes, fits)."] },
            title: "Invalid playback key.");

    private static ProblemHttpResult UnknownPlayback() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Unknown playback.", detail: "No playback with this key exists (or it expired).");
}
