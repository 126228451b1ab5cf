using MediaProxy.Api.Contracts;
using MediaProxy.Api.Security;
using MediaProxy.Core.Playbacks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MediaProxy.Api.Endpoints;

/// <summary>The operator's view over many playbacks: list them by state, retry every failed one (admin key).</summary>
public static class AdminEndpoints
{
    private const int MaxPage = 500;

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/playbacks").WithTags("Admin").RequireApiKey(ApiKeyRole.Admin);

        group.MapGet("/", ListAsync)
            .WithName("ListPlaybacks")
            .WithSummary("Playbacks by state, a page at a time: failed ones, or those with work pending (starting, replaying).")
            .WithDescription("""
                state: failed (refused by the upstream or too old), starting or replaying (work pending, parked ones
                included), or empty for every playback with work pending. Follow nextCursor until it is null; a page
                may hold fewer than limit (1–500, default 100) playbacks.
                """);

        group.MapPost("/retry-failed", RetryFailedAsync)
            .WithName("RetryFailedPlaybacks")
            .WithSummary("Put every failed playback back to work in one call: a new sessions call, or the rest of its replay.");

        return app;
    }

    internal static async Task<Results<Ok<PlaybackListResponse>, ValidationProblem>> ListAsync(
        PlaybackAdmin admin, CancellationToken cancellationToken, string? state = null, string? cursor = null, int limit = 100)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PlaybackState? wanted = null;
        if (!string.IsNullOrEmpty(state))
        {
            if (state is "failed" or "starting" or "replaying")
            {
                wanted = PlaybackStates.Parse(state);
            }
            else
            {
                errors["state"] = ["One of failed, starting, replaying (or none: every playback with work pending)."];
            }
        }

        if (limit is < 1 or > MaxPage)
        {
            errors["limit"] = [$"From 1 to {MaxPage}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid listing.");
        }

        var page = await admin.ListAsync(wanted, cursor, limit, cancellationToken);
        return TypedResults.Ok(new PlaybackListResponse(
            [.. page.Items.Select(i => new PlaybackStatusResponse(i.PlaybackKey, i.Playback.State.ToWire(), i.Playback.SessionId,
                i.Playback.Queued, i.Playback.Forwarded, i.Playback.DeadLettered, i.Playback.LastError))],
            page.NextCursor));
    }

    internal static async Task<Ok<RetriedResponse>> RetryFailedAsync(PlaybackAdmin admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(new RetriedResponse(await admin.RetryAllFailedAsync(cancellationToken)));
}
