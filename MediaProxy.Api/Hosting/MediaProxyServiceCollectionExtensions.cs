using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using Microsoft.Extensions.Options;
using MediaProxy.Core.Upstream;
using MediaProxy.Core.Upstream.Simulator;

namespace MediaProxy.Api.Hosting;

public static class MediaProxyServiceCollectionExtensions
{
    /// <summary>The domain: options (validated at start-up), store, upstream client, playback service and worker.</summary>
    public static IServiceCollection AddMediaProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ApiOptions>(configuration, ApiOptions.SectionName);
        services.AddValidatedOptions<PlaybackOptions>(configuration, PlaybackOptions.SectionName);
        services.AddValidatedOptions<UpstreamOptions>(configuration, UpstreamOptions.SectionName);
        services.AddValidatedOptions<SimulatorOptions>(configuration, SimulatorOptions.SectionName);
        services.AddValidatedOptions<TrackingOptions>(configuration, TrackingOptions.SectionName);
        services.AddSingleton(sp => new TrackingPolicy(sp.GetRequiredService<IOptions<TrackingOptions>>().Value));
        services.AddValidatedOptions<MediaSchemaOptions>(configuration, MediaSchemaOptions.SectionName);
        services.AddSingleton<MediaSchemaRegistry>();

        services.AddSingleton(TimeProvider.System);
        services.AddPlaybackStore(configuration);
        services.AddMediaCollectionUpstream();
        services.AddSingleton<PlaybackMetrics>();
        services.AddSingleton<PlaybackScheduler>();
        services.AddSingleton<ReplayGovernor>();
        services.AddSingleton<PlaybackReplayer>();
        services.AddSingleton<PlaybackService>();
        services.AddSingleton<Endpoints.EventIntake>();
        // First among the hosted services: the rules are in force before the server takes a post.
        services.AddHostedService<MediaSchemaRefresher>();
        services.AddHostedService<PlaybackWorker>();
        services.AddHostedService<PendingPlaybackSweeper>();
        services.AddHostedService<PlaybackBacklogSampler>();
        services.AddHostedService<StartupReport>();
        return services;
    }

    private static void AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
