using MediaProxy.Api.Hosting.Store;
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
        // In front of the simulator, demo values fill the tracking params a player leaves out (README's snippet).
        services.AddSingleton(sp => new TrackingPolicy(sp.GetRequiredService<IOptions<TrackingOptions>>().Value,
            fillSimulatorDemoParams: sp.GetRequiredService<IOptions<UpstreamOptions>>().Value.UsesSimulator));
        services.AddValidatedOptions<MediaSchemaOptions>(configuration, MediaSchemaOptions.SectionName);
        services.AddSingleton<MediaSchemaRegistry>();

        services.AddSingleton(TimeProvider.System);
        services.AddPlaybackStore(configuration);
        services.AddMediaCollectionUpstream();
        services.AddSingleton<PlaybackMetrics>();
        services.AddSingleton<PlaybackScheduler>();
        services.AddSingleton<ReplayGovernor>();
        services.AddSingleton<UpstreamHealth>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<EventDelivery>();
        services.AddSingleton<SessionStarter>();
        services.AddSingleton<QueueDeliverer>();
        services.AddSingleton<PlaybackStages>();
        services.AddSingleton<PlaybackService>();
        services.AddSingleton<PlaybackAdmin>();
        services.AddSingleton<Endpoints.EventIntake>();
        services.AddSingleton<Endpoints.PlaybackAdmission>();
        services.AddSingleton<Security.NewPlaybackBudget>();
        // First among the hosted services: the rules are in force before the server takes a post.
        services.AddHostedService<MediaSchemaRefresher>();
        services.AddSingleton<PlaybackWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<PlaybackWorker>());
        services.AddHostedService<PendingPlaybackSweeper>();
        services.AddHostedService<PlaybackBacklogSampler>();
        services.AddHostedService<StartupReport>();
        services.AddExposureHealthCheck();
        return services;
    }

    private static void AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
