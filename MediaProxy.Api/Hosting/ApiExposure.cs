using System.Net;
using MediaProxy.Api.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// Whether anyone who can reach this instance can post events without a key: no player API keys, in Production,
/// listening on an address other than loopback. Said at every start (<see cref="StartupReport"/>) and by
/// <c>/health/ready</c> (<see cref="ExposureHealthCheck"/>), so an open API cannot go unnoticed.
/// </summary>
internal sealed record ApiExposure(bool Production, int PlayerApiKeys, int AdminApiKeys, IReadOnlyList<string> Addresses)
{
    public bool OpenOnNetwork => Production && PlayerApiKeys == 0 && Addresses.Any(a => !IsLoopback(a));

    public static ApiExposure Of(IServer server, IHostEnvironment environment, AuthOptions auth) => new(
        environment.IsProduction(), auth.PlayerApiKeys.Count, auth.AdminApiKeys.Count,
        [.. server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []]);

    /// <summary><c>http://127.0.0.1:8080</c>, <c>http://[::1]:8080</c>, <c>http://localhost:8080</c> (and Unix sockets) are local.</summary>
    public static bool IsLoopback(string address)
    {
        var host = Host(address);
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || address.Contains("://unix:", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>A URL a person can open for <paramref name="path"/> on <paramref name="address"/> (a wildcard host becomes localhost).</summary>
    public static string UrlFor(string address, string path)
    {
        var host = Host(address);
        var local = host is "+" or "*" or "0.0.0.0" or "[::]" ? address.Replace("://" + host, "://localhost", StringComparison.Ordinal) : address;
        return local.TrimEnd('/') + path;
    }

    private static string Host(string address)
    {
        var start = address.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 3 : 0;
        var end = address.LastIndexOf(':');
        var bracket = address.LastIndexOf(']');
        return end > start && end > bracket ? address[start..end] : address[start..].TrimEnd('/');
    }
}

internal static class ExposureHealthCheckSetup
{
    public static IServiceCollection AddExposureHealthCheck(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ExposureHealthCheck>("exposure", tags: ["ready"]);
        // The open API is said at every start; a Degraded check would add a warning on every probe as well (every few
        // seconds, for good). Unhealthy checks still log their errors.
        return services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Error));
    }
}

/// <summary>Degraded (still ready, HTTP 200) while the API is open on the network in Production; the details say why.</summary>
internal sealed class ExposureHealthCheck(IServer server, IHostEnvironment environment, IOptionsMonitor<AuthOptions> auth) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var exposure = ApiExposure.Of(server, environment, auth.CurrentValue);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["environment"] = environment.EnvironmentName,
            ["playerApiKeys"] = exposure.PlayerApiKeys,
            ["adminApiKeys"] = exposure.AdminApiKeys,
            ["addresses"] = string.Join(' ', exposure.Addresses),
        };
        return Task.FromResult(exposure.OpenOnNetwork
            ? HealthCheckResult.Degraded("OPEN API: in Production, on a non-loopback address, the player API answers without an API key " +
                "(set MediaProxy:Auth:PlayerApiKeys).", data: data)
            : HealthCheckResult.Healthy(exposure.PlayerApiKeys > 0 ? "Player API keys required." : "No player API keys (not open on the network in Production).", data));
    }
}
