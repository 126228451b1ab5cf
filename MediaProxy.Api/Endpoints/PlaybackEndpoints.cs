using System.Globalization;
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
        string playbackKey,
        HttpRequest request,
        HttpResponse response,
        PlaybackService playbacks,
        TrackingPolicy tracking,
        IOptions<ApiOptions> api,
        IOptions<PlaybackOptions> options,
        CancellationToken cancellationToken)
    {
        if (InvalidKey(playbackKey) is { } invalidKey)
        {
            return invalidKey;
        }

        string? idempotencyKey = request.Headers[IdempotencyKeyHeader.Name];
        if (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [IdempotencyKeyHeader.Name] = [$"1 to {IdempotencyKeys.MaxLength} visible ASCII characters, sent once."] },
                title: "Invalid Idempotency-Key header.");
        }

        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type.", detail: "Events must be posted as application/json.");
        }

        var body = await RequestBody.ReadAsync(request, api.Value.MaxRequestBodyBytes, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The body is too large.", detail: $"A post may hold at most {api.Value.MaxRequestBodyBytes} bytes.");
        }

        var parsed = MediaEventParser.Parse(body, options.Value.MaxEventsPerPost, tracking);
        if (!parsed.IsValid)
        {
            return TypedResults.ValidationProblem(parsed.Errors!, title: "The body is not a valid event or array of events.");
        }

        var result = await playbacks.AcceptAsync(playbackKey, parsed.Events, idempotencyKey, cancellationToken);
        if (result.StoreFull)
        {
            response.Headers.RetryAfter = api.Value.StoreUnavailableRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No room for new playbacks.",
                detail: "The event store is nearly full: playbacks already under way go on, new ones are refused for now.");
        }

        if (result.QueueCap is { } cap)
        {
            // Nothing of the post was stored and nothing accepted before is dropped: the player retries later.
            response.Headers.RetryAfter = api.Value.QueueFullRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "The playback's queue is full.",
                detail: $"This playback already holds events up to its cap of {cap}; nothing of this post was accepted. Retry after Retry-After seconds.");
        }

        if (!result.Accepted)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The playback has ended.",
                detail: "A sessionComplete or sessionEnd was accepted for this playback key; start a new playback with a new key.");
        }

        if (result.Replayed)
        {
            response.Headers[IdempotencyKeyHeader.ReplayedName] = "true";
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
