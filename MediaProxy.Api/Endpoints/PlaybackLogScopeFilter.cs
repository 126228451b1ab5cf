using MediaProxy.Core.Playbacks;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// Opens a log scope with the (truncated) playback key for the rest of a player request, so every line written
/// while handling it, including the store's and the exception handlers', says which playback it was about.
/// </summary>
internal sealed class PlaybackLogScopeFilter(ILogger<PlaybackLogScopeFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var values = context.HttpContext.Request.RouteValues;
        if ((values["playbackKey"] ?? values["sessionId"]) is not string key || !PlaybackKey.IsValid(key))
        {
            return await next(context);
        }

        using var scope = logger.BeginScope(new PlaybackLogScope(key));
        return await next(context);
    }
}
