using System.Globalization;
using MediaProxy.Api.Hosting.Store;
using MediaProxy.Api.Security;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;
using MediaProxy.Core.Upstream.Simulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// Says at start-up what this instance runs on and how it is exposed: store and durability, upstream, keys, rate
/// limits, CORS, Swagger and metrics; once listening, the URLs to open, and a warning at every start while the API
/// is open on the network in Production.
/// </summary>
internal sealed partial class StartupReport(
    StoreSettings store,
    IOptions<UpstreamOptions> upstream,
    IOptions<SimulatorOptions> simulator,
    IOptions<PlaybackOptions> playbacks,
    IOptions<ApiOptions> api,
    IOptions<AuthOptions> auth,
    IOptions<CorsOptions> cors,
    IOptions<RateLimitOptions> limits,
    UpstreamGate gate,
    IServer server,
    IHostApplicationLifetime lifetime,
    IWebHostEnvironment environment,
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
            var connections = upstream.Value.MaxConcurrentSessionCalls + upstream.Value.MaxConcurrentEventSends;
            if (OpenFilesLimit.Read() is { } files && connections + OpenFilesLimit.Reserve > files)
            {
                LogOpenFilesShort(logger, connections, files);
            }
        }

        LogConcurrency(logger, gate.Sessions.Limit, gate.Sessions.Ceiling, gate.Events.Limit, gate.Events.Ceiling);

        LogAuthentication(logger, KeysState(auth.Value.PlayerApiKeys.Count, "PlayerApiKeys"), KeysState(auth.Value.AdminApiKeys.Count, "AdminApiKeys"));
        LogRateLimits(logger, RateLimitsText(limits.Value));
        LogCors(logger, cors.Value.AllowedOrigins.Count == 0
            ? "no browser origin allowed (MediaProxy:Cors:AllowedOrigins)"
            : "allowed origins " + string.Join(", ", cors.Value.AllowedOrigins));
        LogExposure(logger, api.Value.EnableSwagger ? "on at /swagger and /swagger/v1/swagger.json, no key" : "off", "/metrics (Prometheus), no key");
        lifetime.ApplicationStarted.Register(ReportListening);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Once the server listens: its addresses, where Swagger UI and the demo are, and the open-API warning.</summary>
    private void ReportListening()
    {
        var exposure = ApiExposure.Of(server, environment, auth.Value);
        if (exposure.OpenOnNetwork)
        {
            LogOpenApi(logger, string.Join(' ', exposure.Addresses.Where(a => !ApiExposure.IsLoopback(a))));
        }

        foreach (var address in exposure.Addresses)
        {
            var swagger = api.Value.EnableSwagger ? $"Swagger UI {ApiExposure.UrlFor(address, "/swagger")}" : "Swagger UI off";
            var demo = environment.WebRootFileProvider.GetFileInfo("demo/index.html").Exists ? $", demo {ApiExposure.UrlFor(address, "/demo/")}" : string.Empty;
            LogListening(logger, address, swagger + demo);
        }
    }

    private static string KeysState(int count, string setting) => count == 0
        ? $"OFF (open: no MediaProxy:Auth:{setting})"
        : string.Create(CultureInfo.InvariantCulture, $"ON ({count} key{(count == 1 ? string.Empty : "s")})");

    private static string RateLimitsText(RateLimitOptions limits)
    {
        if (!limits.Enabled)
        {
            return "OFF";
        }

        var address = limits.TrustedProxies.Count > 0 || limits.DirectlyExposed
            ? string.Create(CultureInfo.InvariantCulture, $"per address {limits.PerAddressPerSecond}/s (burst {limits.PerAddressBurst}, IPv6 by /64), the address from ") +
                (limits.TrustedProxies.Count > 0 ? $"X-Forwarded-For of {string.Join(", ", limits.TrustedProxies)}" : "the connection (directly exposed)")
            : "per address off (the client's address is not known: behind an ingress it is the ingress's; set TrustedProxies or DirectlyExposed)";
        return string.Create(CultureInfo.InvariantCulture,
            $"per playback {limits.PerPlaybackPerSecond}/s (burst {limits.PerPlaybackBurst}); per API key {limits.PerApiKeyPerSecond}/s " +
            $"(burst {limits.PerApiKeyBurst}) when player keys are on; {address}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}; playbacks expire {Ttl} after their last activity")]
    private static partial void LogStore(ILogger logger, string store, TimeSpan ttl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "**************** EMBEDDED STORE IN MEMORY: accepted events are NOT durable and are lost when the process stops. Set MediaProxy__Embedded__DataDirectory (one instance) or ConnectionStrings__Redis (several). ****************")]
    private static partial void LogNotDurable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream: the built-in SIMULATOR (sessions answer after {LatencyMs} ms; see GET /simulator/sessions). Set MediaProxy__Upstream__BaseUrl for the real Media Collection API.")]
    private static partial void LogSimulator(ILogger logger, double latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream: {BaseUrl}")]
    private static partial void LogUpstream(ILogger logger, string baseUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream concurrency: sessions calls start at {SessionsStart} at once and adapt up to {SessionsCeiling}, event sends start at {EventsStart} and adapt up to {EventsCeiling}; playbacks beyond the start wait for the first answers (a crowd: MediaProxy:Upstream:InitialConcurrentSessionCalls)")]
    private static partial void LogConcurrency(ILogger logger, int sessionsStart, int sessionsCeiling, int eventsStart, int eventsCeiling);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream: at its concurrency ceilings this instance holds up to {Connections} upstream connections, but it may open only {Files} files: raise the limit (ulimit -n, the container's nofile) or lower MediaProxy:Upstream:MaxConcurrentSessionCalls, or calls beyond it fail as if the upstream were down")]
    private static partial void LogOpenFilesShort(ILogger logger, int connections, long files);

    [LoggerMessage(Level = LogLevel.Information, Message = "Authentication: player API {Player}; admin routes (dead letters, retry, simulator) {Admin}")]
    private static partial void LogAuthentication(ILogger logger, string player, string admin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limits: {Limits}")]
    private static partial void LogRateLimits(ILogger logger, string limits);

    [LoggerMessage(Level = LogLevel.Information, Message = "CORS: {Cors}")]
    private static partial void LogCors(ILogger logger, string cors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Swagger: {Swagger}; metrics: {Metrics}")]
    private static partial void LogExposure(ILogger logger, string swagger, string metrics);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Address}: {Urls}")]
    private static partial void LogListening(ILogger logger, string address, string urls);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OPEN API: in Production the player API answers without an API key on {Addresses}. Set MediaProxy__Auth__PlayerApiKeys__0 (and AdminApiKeys), or listen on loopback only. /health/ready reports it as Degraded.")]
    private static partial void LogOpenApi(ILogger logger, string addresses);
}
