using System.Globalization;
using MediaProxy.Api.Hosting;
using MediaProxy.Api.OpenApi;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// The one path every event post takes, whichever surface it came through (the player API or the drop-in Media
/// Collection API): Idempotency-Key, content type, size, parsing, then the store. Each surface only maps the
/// outcome to its own success and "ended" answers, so the two can never drift apart on validation or limits.
/// </summary>
internal sealed class EventIntake(
    PlaybackService playbacks,
    PlaybackAdmission admission,
    TrackingPolicy tracking,
    MediaSchemaRegistry schemas,
    IOptions<ApiOptions> api,
    IOptions<PlaybackOptions> options)
{
    /// <summary>Query parameter carrying the Idempotency-Key where headers cannot be set (navigator.sendBeacon).</summary>
    public const string IdempotencyKeyQuery = "idempotencyKey";

    /// <summary>
    /// Accepts the post for <paramref name="playbackKey"/>, or returns the problem that refused it.
    /// <paramref name="check"/> may refuse a well-formed post the surface does not allow.
    /// </summary>
    public async Task<IntakeOutcome> AcceptAsync(string playbackKey, HttpRequest request,
        Func<IReadOnlyList<PlaybackEvent>, ValidationProblem?>? check, CancellationToken cancellationToken)
    {
        // Sent twice (two headers, two query parameters) is refused, never joined into "a,b".
        var header = request.Headers[IdempotencyKeyHeader.Name];
        var query = request.Query[IdempotencyKeyQuery];
        var idempotencyKey = header.Count == 1 ? header[0] : header.Count == 0 && query.Count == 1 ? query[0] : null;
        if (header.Count > 1 || (header.Count == 0 && query.Count > 1) || (idempotencyKey is not null && !IdempotencyKeys.IsValid(idempotencyKey)))
        {
            return new(TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [IdempotencyKeyHeader.Name] = [$"1 to {IdempotencyKeys.MaxLength} visible ASCII characters, sent once."] },
                title: "Invalid Idempotency-Key header."));
        }

        if (!request.HasJsonContentType())
        {
            return new(Problem: TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type.", detail: "Events must be posted as application/json."));
        }

        var maxBytes = api.Value.MaxRequestBodyBytes;
        if (await RequestBody.ReadAsync(request, maxBytes, cancellationToken) is not { } body)
        {
            return new(Problem: TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "The body is too large.", detail: $"A post may hold at most {maxBytes} bytes."));
        }

        var parsed = MediaEventParser.Parse(body, options.Value.MaxEventsPerPost, tracking, schemas.Current);
        if (!parsed.IsValid)
        {
            return new(TypedResults.ValidationProblem(parsed.Errors!, title: "The body is not a valid event or array of events."));
        }

        if (check?.Invoke(parsed.Events) is { } refused)
        {
            return new(refused);
        }

        var response = request.HttpContext.Response;
        var admitted = admission.Check(request.HttpContext, parsed.Events);
        if (admission.RefusedOutright(admitted, response) is { } full)
        {
            return new(Problem: full);
        }

        AcceptResult? result = null;
        try
        {
            result = await playbacks.AcceptAsync(playbackKey, parsed.Events, idempotencyKey, admitted.RefuseNew, cancellationToken);
        }
        finally
        {
            admission.Settle(admitted, body.Length, result);
        }

        if (result.StoreFull)
        {
            return new(Problem: admission.RefusedNew(admitted, response));
        }

        if (result.QueueCap is { } cap)
        {
            // Nothing of the post was stored and nothing accepted before is dropped: the player retries later.
            response.Headers.RetryAfter = api.Value.QueueFullRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return new(Problem: TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "The playback's queue is full.",
                detail: $"This playback already holds events up to its cap of {cap}; nothing of this post was accepted. Retry after Retry-After seconds."));
        }

        if (result.Replayed)
        {
            response.Headers[IdempotencyKeyHeader.ReplayedName] = "true";
        }

        return new(Result: result);
    }
}

/// <summary>What <see cref="EventIntake"/> made of a post: exactly one of the three is set.</summary>
/// <param name="Invalid">The post (or its key or header) is not valid: 400 with the failing fields.</param>
/// <param name="Problem">Refused for a reason other than validation (413, 415, 429, 503).</param>
/// <param name="Result">The store's answer: accepted, or refused because the playback has ended.</param>
internal sealed record IntakeOutcome(ValidationProblem? Invalid = null, ProblemHttpResult? Problem = null, AcceptResult? Result = null);
