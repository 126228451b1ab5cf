using MediaProxy.Core.Playbacks;
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
/// The store failed the post: 503 with Retry-After, never 202 and never a bare 500, and a truthful detail. A command
/// that never left this process (no connection, still in the backlog) stored nothing; one that was sent and then
/// timed out or lost its connection may have been stored, so the client must retry with the same Idempotency-Key.
/// The multiplexer reconnects by itself.
/// </summary>
internal sealed partial class StoreUnavailableExceptionHandler(
    IProblemDetailsService problems,
    IOptions<ApiOptions> options,
    PlaybackMetrics metrics,
    ILogger<StoreUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisException or RedisTimeoutException))
        {
            return false;
        }

        var neverSent = NeverSent(exception);
        // The endpoint's PlaybackKey scope has closed by the time the exception reaches this handler (and the route
        // values are cleared): open it again from the original request's.
        var route = httpContext.Features.Get<IExceptionHandlerFeature>()?.RouteValues;
        var key = (route?["playbackKey"] ?? route?["sessionId"]) as string;
        using (PlaybackKey.IsValid(key) ? logger.BeginScope(new PlaybackLogScope(key!)) : null)
        {
            LogStoreUnavailable(logger, exception.GetType().Name, neverSent ? "nothing stored" : "outcome unknown", exception.Message);
        }

        metrics.StoreError();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.StoreUnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = neverSent
                ? new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The event store is unavailable.",
                    Detail = "Nothing was accepted: the store could not be reached. Retry after the delay in Retry-After.",
                }
                : new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The event store did not confirm the post.",
                    Detail = "The post reached the store but no answer came back: it may have been stored. Retry after the delay in " +
                        "Retry-After with the same Idempotency-Key, so it is not accepted twice (without one, a retry may duplicate the events).",
                },
        });
    }

    /// <summary>Whether StackExchange.Redis says the command was never written to Redis (so nothing can have been stored).</summary>
    internal static bool NeverSent(Exception exception) => exception switch
    {
        RedisConnectionException { CommandStatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog } => true,
        RedisConnectionException
        {
            FailureType: ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection,
            CommandStatus: not CommandStatus.Sent,
        } => true,
        RedisTimeoutException { Commandstatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog } => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Store failed a request, answering 503 ({Outcome}): {ExceptionType}: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string exceptionType, string outcome, string reason);
}
