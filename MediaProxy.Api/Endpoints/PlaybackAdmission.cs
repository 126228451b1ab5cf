using System.Globalization;
using MediaProxy.Api.Hosting;
using MediaProxy.Api.Security;
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
    /// <summary>The decision for one post: what the store may do, and who to charge if it starts a playback.</summary>
    public Admission Check(HttpContext http)
    {
        var room = capacity.Room;
        var client = identity.Identify(http);
        return new Admission(room, client, room != StoreRoom.Open || !budget.HasRoom(client));
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

    /// <summary>An accepted post: its bytes count towards the store's fullness, and a new playback towards the client's budget.</summary>
    public void Accepted(Admission admission, int bytes, AcceptResult result)
    {
        capacity.Wrote(bytes, result.Created);
        if (result.Created)
        {
            budget.Spend(admission.Client);
        }
    }

    private static ProblemHttpResult Problem(HttpResponse response, int status, int retryAfterSeconds, string title, string detail)
    {
        response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }
}

/// <summary>One post's admission: the store's room, the client, and whether a new playback may be started.</summary>
internal readonly record struct Admission(StoreRoom Room, ClientIdentity Client, bool RefuseNew);
