using MediaProxy.Core.Queue;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Redis when <c>ConnectionStrings:Redis</c> is set (one multiplexer for the process), otherwise the
    /// in-memory store of the embedded demo mode.
    /// </summary>
    public static IServiceCollection AddPlaybackStore(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.AddSingleton<IPlaybackStore, InMemoryPlaybackStore>();
            services.AddSingleton(new StoreDescription("in-memory (NOT durable: accepted events are lost on restart)", Durable: false));
            return services;
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even when Redis is briefly down; the multiplexer keeps reconnecting and /health/ready says so.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "mediaproxy";
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddSingleton<IPlaybackStore, RedisPlaybackStore>();
        services.AddSingleton(new StoreDescription($"Redis ({string.Join(", ", options.EndPoints)})", Durable: true));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return services;
    }
}

/// <summary>What the start-up report says about the store.</summary>
public sealed record StoreDescription(string Description, bool Durable);
