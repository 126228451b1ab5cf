using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Api.Hosting.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// One store code path: the Redis store and coordination (Lua scripts) over one multiplexer, connected to the
    /// Redis of <c>ConnectionStrings:Redis</c> or, when it is empty, to a Garnet server embedded in the process.
    /// Decided when first resolved, from the final configuration.
    /// </summary>
    public static IServiceCollection AddPlaybackStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddedStoreOptions>().Bind(configuration.GetSection(EmbeddedStoreOptions.SectionName))
            // A relative data directory is under the content root, wherever the process was started from.
            .PostConfigure<IHostEnvironment>((embedded, host) => embedded.DataDirectory = embedded.Durable
                ? Path.GetFullPath(embedded.DataDirectory!, host.ContentRootPath)
                : null)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => StoreSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IOptions<EmbeddedStoreOptions>>().Value));
        // Started only when the multiplexer needs it (embedded mode); disposed after the multiplexer, which needs it.
        services.AddSingleton(sp => EmbeddedGarnet.Start(sp.GetRequiredService<IOptions<EmbeddedStoreOptions>>().Value, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var settings = sp.GetRequiredService<StoreSettings>();
            return ConnectionMultiplexer.Connect(settings.Redis ?? StoreSettings.ClientOptions(sp.GetRequiredService<EmbeddedGarnet>().Endpoint));
        });
        // A write a promise rests on waits for its commit: the embedded store's group commit, nothing on Redis.
        services.AddSingleton<IStoreCommits>(sp => sp.GetRequiredService<StoreSettings>().IsEmbedded
            ? sp.GetRequiredService<EmbeddedGarnet>().Commits
            : ImmediateCommits.Instance);
        services.AddSingleton<IPlaybackStore, RedisPlaybackStore>();
        services.AddSingleton<IPlaybackCoordination, RedisPlaybackCoordination>();
        services.AddSingleton<IMediaSchemaCache, RedisMediaSchemaCache>();
        services.AddSingleton<StoreCapacity>();
        services.AddOptions<StoreGuardOptions>().Bind(configuration.GetSection(StoreGuardOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<StoreMemoryGuard>();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }
}

/// <summary>
/// Which store this instance uses: the Redis of <see cref="Redis"/>, or (null) the embedded Garnet server, durable
/// when <see cref="EmbeddedStoreOptions.DataDirectory"/> is set.
/// </summary>
public sealed record StoreSettings(ConfigurationOptions? Redis, EmbeddedStoreOptions Embedded)
{
    public bool IsEmbedded => Redis is null;

    /// <summary>
    /// Whether an accepted event survives a restart of the process: always on Redis (whose own persistence is the
    /// operator's to configure), and on the embedded store only with a data directory.
    /// </summary>
    public bool Durable => Redis is not null || Embedded.Durable;

    public string Description => Redis is not null
        ? $"Redis ({string.Join(", ", Redis.EndPoints)})"
        : Embedded.Durable
            ? $"embedded Garnet, durable in {Embedded.DataDirectory}"
            : "embedded Garnet in memory (NOT durable: accepted events are lost when the process stops)";

    public static StoreSettings From(IConfiguration configuration, EmbeddedStoreOptions embedded)
    {
        var connectionString = configuration.GetConnectionString("Redis");
        return new StoreSettings(string.IsNullOrWhiteSpace(connectionString) ? null : ClientOptions(connectionString), embedded);
    }

    /// <summary>The client settings every connection of the proxy uses.</summary>
    public static ConfigurationOptions ClientOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        // Start even when Redis is briefly down; the multiplexer keeps reconnecting and /health/ready says so.
        options.AbortOnConnectFail = false;
        options.ClientName ??= "mediaproxy";
        // INFO (read by the memory guard) counts as an admin command for StackExchange.Redis; nothing else is used.
        options.AllowAdmin = true;
        return options;
    }
}
