using MediaProxy.Core.Upstream.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;
using Refit;

namespace MediaProxy.Core.Upstream;

/// <summary>
/// Registers the Refit clients, each with a Polly pipeline of one strategy: the attempt timeout (the sessions
/// call's taken from the request, where <see cref="SessionsCallTimeout"/> put it). Nothing is retried in line:
/// a failed call goes back to its playback, whose retries, outage parking and concurrency go through
/// <see cref="UpstreamGate"/>, so an outage never multiplies calls and the sessions call (not idempotent) is only
/// ever tried again knowingly.
/// </summary>
public static class UpstreamServiceCollectionExtensions
{
    private static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeoutKey = new(IMediaSessionsApi.AttemptTimeoutOption);

    public static IServiceCollection AddMediaCollectionUpstream(this IServiceCollection services)
    {
        services.AddSingleton<MediaCollectionSimulator>();
        services.AddTransient<SimulatorHttpHandler>();
        services.AddSingleton<MediaCollectionClient>();
        services.AddSingleton<UpstreamGate>();
        services.AddSingleton<SessionsCallTimeout>();

        AddClient<IMediaSessionsApi>(services, "sessions", (args, options) =>
            args.Context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeoutKey, out var timeout) == true ? timeout : options.AttemptTimeout);
        AddClient<IMediaEventsApi>(services, "events", (_, options) => options.AttemptTimeout);
        AddClient<IMediaSchemasApi>(services, "schemas", (_, options) => options.AttemptTimeout);
        return services;
    }

    private static void AddClient<TApi>(IServiceCollection services, string name, Func<TimeoutGeneratorArguments, UpstreamOptions, TimeSpan> attemptTimeout)
        where TApi : class
    {
        var builder = services
            .AddRefitGeneratedClient<TApi>()
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                client.BaseAddress = new Uri(options.UsesSimulator ? SimulatorHttpHandler.BaseAddress : options.BaseUrl!);
                // The pipeline's timeout rules; HttpClient's own 100 s default must never fire first.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
                return options.UsesSimulator
                    ? sp.GetRequiredService<SimulatorHttpHandler>()
                    : new SocketsHttpHandler
                    {
                        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                        // One HTTP/1.1 connection per call in flight: as many as the concurrency ceilings allow.
                        MaxConnectionsPerServer = options.MaxConcurrentSessionCalls + options.MaxConcurrentEventSends,
                    };
            })
            // IHttpClientFactory's request logging (two handlers, and a log scope on every call) logs at Information,
            // which appsettings filters out anyway; the gate logs what matters. In the benchmark
            // (docs/benchmarks.md) these handlers were a visible share of every upstream call's CPU.
            .RemoveAllLoggers();

        builder.AddResilienceHandler(name, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<UpstreamOptions>>().Value;
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(attemptTimeout(args, options)),
            });
        });
    }
}
