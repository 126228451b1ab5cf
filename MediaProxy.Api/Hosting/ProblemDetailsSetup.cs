using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting;

public static class ProblemDetailsSetup
{
    /// <summary>Every error the service returns is an RFC 7807 ProblemDetails, status pages and exceptions included.</summary>
    public static IServiceCollection AddMediaProxyProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        return services;
    }
}

/// <summary>Kestrel's own refusals (body too large, a client that stopped sending) keep their 4xx status.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message },
        });
    }
}

/// <summary>
/// The store is unreachable: the event was not made durable, so the answer is 503 with Retry-After, never 202
/// and never a bare 500. The multiplexer reconnects by itself.
/// </summary>
internal sealed partial class StoreUnavailableExceptionHandler(
    IProblemDetailsService problems,
    IOptions<ApiOptions> options,
    MediaProxy.Core.Playbacks.PlaybackMetrics metrics,
    ILogger<StoreUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisException or RedisTimeoutException))
        {
            return false;
        }

        LogStoreUnavailable(logger, exception.GetType().Name, exception.Message);
        metrics.StoreError();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.StoreUnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The event store is unavailable.",
                Detail = "Nothing was accepted. Retry after the delay in Retry-After.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Store unavailable, answering 503: {ExceptionType}: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string exceptionType, string reason);
}
