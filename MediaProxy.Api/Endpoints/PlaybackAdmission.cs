using System.Globalization;
using MediaProxy.Api.Hosting;
using MediaProxy.Api.Security;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// Whether a post may start a new playback, decided before the store sees it: the store's room (the memory guard,
/// the cap on pending playbacks) and the client's budget of new playbacks. Posts to playbacks under way are never
/// refused here, except when the store is at its hard mark.
/// </summary>
internal sealed class PlaybackAdmission(StoreCapacity capacity, NewPlaybackBudget budget, ClientIdentityResolver identity, IOptions<ApiOptions> api)
{
    /// <summary>
    /// The decision for one post: what the store may do, and the token reserved in case it starts a playback (given
    /// back by <see cref="Settle"/> unless it did).
    /// </summary>
    public Admission Check(HttpContext http, IReadOnlyList<PlaybackEvent> events)
    {
        var room = capacity.Room;
        var client = identity.Identify(http);
        var held = !HasSessionStart(events);
        var reserved = room == StoreRoom.Open && budget.TryReserve(client, held);
        return new Admission(room, client, held, reserved);
    }

    /// <summary>The answer to a post refused before the store (store full), or null.</summary>
    public ProblemHttpResult? RefusedOutright(Admission admission, HttpResponse response) => admission.Room == StoreRoom.Full
        ? Problem(response, StatusCodes.Status503ServiceUnavailable, api.Value.StoreUnavailableRetryAfterSeconds, "The event store is full.",
            "The store is at its hard mark: nothing is taken until it drains. Nothing of this post was accepted; retry after Retry-After seconds.")
        : null;

    /// <summary>The answer to a post the store refused as a new playback (RefuseNew): 503 when full, 429 when over budget.</summary>
    public ProblemHttpResult RefusedNew(Admission admission, HttpResponse response) => admission.Room != StoreRoom.Open
        ? Problem(response, StatusCodes.Status503ServiceUnavailable, api.Value.StoreUnavailableRetryAfterSeconds, "No room for new playbacks.",
            "The event store is nearly full: playbacks already under way go on, new ones are refused for now.")
        : Problem(response, StatusCodes.Status429TooManyRequests, api.Value.QueueFullRetryAfterSeconds, "Too many new playbacks.",
            "This client has started as many playbacks as its budget allows for now; playbacks under way go on. Retry after Retry-After seconds.");

    /// <summary>
    /// After the store (<paramref name="result"/> null: it failed): an accepted post's bytes count towards the store's
    /// fullness, and the reserved token goes back unless the post created a playback.
    /// </summary>
    public void Settle(Admission admission, int bytes, AcceptResult? result)
    {
        var created = result is { Accepted: true, Replayed: false, Created: true };
        if (result is { Accepted: true, Replayed: false })
        {
            capacity.Wrote(bytes, created);
        }

        if (admission.Reserved && !created)
        {
            budget.Return(admission.Client, admission.Held);
        }
    }

    private static bool HasSessionStart(IReadOnlyList<PlaybackEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].IsSessionStart)
            {
                return true;
            }
        }

        return false;
    }

    private static ProblemHttpResult Problem(HttpResponse response, int status, int retryAfterSeconds, string title, string detail)
    {
        response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}

/// <summary>
/// One post's admission: the store's room, the client, whether a playback it starts would only hold events, and
/// whether a token was reserved for it (without one, the store must not create a playback).
/// </summary>
internal readonly record struct Admission(StoreRoom Room, ClientIdentity Client, bool Held, bool Reserved)
{
    public bool RefuseNew => !Reserved;
}
