using MediaProxy.Core.Queue;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Redis when <c>ConnectionStrings:Redis</c> is set (one multiplexer for the process), otherwise the
    /// in-memory store of the embedded demo mode. Decided when first resolved, from the final configuration.
    /// </summary>
    public static IServiceCollection AddPlaybackStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => StoreSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IConnectionMultiplexer>(sp => ConnectionMultiplexer.Connect(
            sp.GetRequiredService<StoreSettings>().Redis ?? throw new InvalidOperationException("No Redis connection string is configured.")));
        services.AddSingleton<IPlaybackStore>(sp => sp.GetRequiredService<StoreSettings>().Redis is null
            ? ActivatorUtilities.CreateInstance<InMemoryPlaybackStore>(sp)
            : ActivatorUtilities.CreateInstance<RedisPlaybackStore>(sp));
        services.AddSingleton<IPlaybackCoordination>(sp => sp.GetRequiredService<StoreSettings>().Redis is null
            ? ActivatorUtilities.CreateInstance<InMemoryPlaybackCoordination>(sp)
            : ActivatorUtilities.CreateInstance<RedisPlaybackCoordination>(sp));
        services.AddSingleton<IMediaSchemaCache>(sp => sp.GetRequiredService<StoreSettings>().Redis is null
            ? ActivatorUtilities.CreateInstance<InMemoryMediaSchemaCache>(sp)
            : ActivatorUtilities.CreateInstance<RedisMediaSchemaCache>(sp));
        services.AddSingleton<StoreCapacity>();
        services.AddOptions<StoreGuardOptions>().Bind(configuration.GetSection(StoreGuardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<StoreSettings>().Durable
            ? ActivatorUtilities.CreateInstance<RedisMemoryGuard>(sp)
            : new NoMemoryGuard());
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }
}

/// <summary>The in-memory store has no Redis memory to guard.</summary>
internal sealed class NoMemoryGuard : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Which store this instance uses; <see cref="Redis"/> is null for the in-memory store.</summary>
public sealed record StoreSettings(ConfigurationOptions? Redis)
{
    public bool Durable => Redis is not null;

    public string Description => Redis is null
        ? "in-memory (NOT durable: accepted events are lost on restart)"
        : $"Redis ({string.Join(", ", Redis.EndPoints)})";

    public static StoreSettings From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return new StoreSettings(Redis: null);
        }

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even when Redis is briefly down; the multiplexer keeps reconnecting and /health/ready says so.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "mediaproxy";
        // INFO (read by the memory guard) counts as an admin command for StackExchange.Redis; nothing else is used.
        options.AllowAdmin = true;
        return new StoreSettings(options);
    }
}
