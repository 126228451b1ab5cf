using System.Net;
using MediaProxy.Core.Upstream.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// Registers the Refit clients with Polly v8 pipelines (total timeout → retry → circuit breaker → attempt
/// timeout). What is retried differs per call: see <see cref="IsSafeToRetrySessionsCall"/>.
/// </summary>
public static class UpstreamServiceCollectionExtensions
{
    public static IServiceCollection AddMediaCollectionUpstream(this IServiceCollection services)
    {
        services.AddSingleton<MediaCollectionSimulator>();
        services.AddTransient<SimulatorHttpHandler>();
        services.AddSingleton<MediaCollectionClient>();

        AddClient<IMediaSessionsApi>(services, "sessions", IsSafeToRetrySessionsCall);
        AddClient<IMediaEventsApi>(services, "events", outcome => HttpClientResiliencePredicates.IsTransient(outcome));
        AddClient<IMediaSchemasApi>(services, "schemas", outcome => HttpClientResiliencePredicates.IsTransient(outcome));
        return services;
    }

    /// <summary>
    /// The sessions call creates something upstream, so only failures that prove nothing was created are
    /// retried here: connection refused, 429 and 503. A timeout or another 5xx may have created a session;
    /// the playback worker tries those again later, logging a possible duplicate session.
    /// </summary>
    internal static bool IsSafeToRetrySessionsCall(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable,
        { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } } => true,
        _ => false,
    };

    private static void AddClient<TApi>(IServiceCollection services, string name, Func<Outcome<HttpResponseMessage>, bool> shouldRetry)
        where TApi : class
    {
        var builder = services
            .AddRefitGeneratedClient<TApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                client.BaseAddress = new Uri(options.UsesSimulator ? SimulatorHttpHandler.BaseAddress : options.BaseUrl!);
                // The pipeline's timeouts rule; HttpClient's own 100 s default must never fire first.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.UsesSimulator
                ? sp.GetRequiredService<SimulatorHttpHandler>()
                : new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 256 })
            // IHttpClientFactory's request logging (two handlers, and a log scope on every call) logs at Information,
            // which appsettings filters out anyway; MediaCollectionClient logs the failures that matter. In the
            // benchmark (docs/benchmarks.md) these handlers were a visible share of every upstream call's CPU.
            .RemoveAllLoggers();

        builder.AddResilienceHandler(name, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value;
            var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
            pipeline
                .AddTimeout(options.TotalTimeout)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1),
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetryAttempts > 0 && shouldRetry(args.Outcome)),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                    ShouldRetryAfterHeader = false,
                    DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome, options.MaxRetryAfter, time.GetUtcNow())),
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitFailureRatio,
                    MinimumThroughput = options.CircuitMinimumThroughput,
                    SamplingDuration = options.CircuitSamplingDuration,
                    BreakDuration = options.CircuitBreakDuration,
                })
                .AddTimeout(options.AttemptTimeout);
        });
    }

    /// <summary>Honours Retry-After (seconds or an HTTP date) on 429/503, capped; null = exponential backoff.</summary>
    internal static TimeSpan? RetryAfter(Outcome<HttpResponseMessage> outcome, TimeSpan cap, DateTimeOffset now)
    {
        var header = outcome.Result?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return delay is { } d ? TimeSpan.FromTicks(Math.Clamp(d.Ticks, 0, cap.Ticks)) : null;
    }
}
