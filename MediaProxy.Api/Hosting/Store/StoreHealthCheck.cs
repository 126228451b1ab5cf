using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>Ready only when the store answers (a PING): without it no event can be accepted durably.</summary>
internal sealed class StoreHealthCheck(IConnectionMultiplexer redis, StoreSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{settings.Description}: PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", ex);
        }
    }
}
