using MediaProxy.Api.Hosting;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// Once the host is stopping, the player API answers 503 with Retry-After: a post must go to another instance
/// rather than race this one's shutdown, while the worker hands its playbacks over.
/// </summary>
internal sealed class ShuttingDownFilter(IHostApplicationLifetime lifetime, IOptions<ApiOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.RetryAfter = "1";
        return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "This instance is shutting down.", detail: $"Retry in a moment (another instance, or this one after its restart); up to {options.Value.StoreUnavailableRetryAfterSeconds} s."));
    }
}
