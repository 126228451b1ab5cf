using MediaProxy.Api.Hosting.Store;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;
using MediaProxy.Core.Upstream.Simulator;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Hosting;

/// <summary>Says at start-up what this instance runs on, loudly when it is the non-durable demo mode.</summary>
internal sealed partial class StartupReport(
    StoreSettings store,
    IOptions<UpstreamOptions> upstream,
    IOptions<SimulatorOptions> simulator,
    IOptions<PlaybackOptions> playbacks,
    IOptions<ApiOptions> api,
    ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogStore(logger, store.Description, playbacks.Value.Ttl);
        if (!store.Durable)
        {
            LogNotDurable(logger);
        }

        if (upstream.Value.UsesSimulator)
        {
            LogSimulator(logger, simulator.Value.SessionLatency.TotalMilliseconds);
        }
        else
        {
            LogUpstream(logger, upstream.Value.BaseUrl!);
        }

        if (api.Value.EnableSwagger)
        {
            LogSwagger(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}; playbacks expire {Ttl} after their last activity")]
    private static partial void LogStore(ILogger logger, string store, TimeSpan ttl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "**************** EMBEDDED STORE IN MEMORY: accepted events are NOT durable and are lost when the process stops. Set MediaProxy__Embedded__DataDirectory (one instance) or ConnectionStrings__Redis (several). ****************")]
    private static partial void LogNotDurable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream: the built-in SIMULATOR (sessions answer after {LatencyMs} ms; see GET /simulator/sessions). Set MediaProxy__Upstream__BaseUrl for the real Media Collection API.")]
    private static partial void LogSimulator(ILogger logger, double latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream: {BaseUrl}")]
    private static partial void LogUpstream(ILogger logger, string baseUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swagger UI: /swagger")]
    private static partial void LogSwagger(ILogger logger);
}
