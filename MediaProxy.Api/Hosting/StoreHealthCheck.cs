using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting;

/// <summary>Ready only when the store answers (a Redis PING): without it no event can be accepted durably.</summary>
internal sealed class StoreHealthCheck(StoreSettings settings, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!settings.Durable)
        {
            return HealthCheckResult.Healthy("In-memory store (not durable).");
        }

        try
        {
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", ex);
        }
    }
}
