using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace MediaProxy.Core.Media;

/// <summary>
/// Keeps the rules in force (<see cref="MediaSchemaRegistry"/>) in step with the upstream's own schemas: at start-up
/// the store's copy, then the upstream's <c>/api/v1/schemas/{eventType}</c> (start-up waits for both at most
/// <see cref="MediaSchemaOptions.StartupWait"/>), then every <see cref="MediaSchemaOptions.RefreshInterval"/>. An event
/// type whose schema cannot be fetched or used keeps the rules it had (the store's copy, else the shipped one).
/// </summary>
public sealed partial class MediaSchemaRefresher(
    MediaSchemaRegistry registry,
    IMediaSchemasApi api,
    IMediaSchemaCache cache,
    IOptions<MediaSchemaOptions> options,
    IOptions<UpstreamOptions> upstream,
    TimeProvider timeProvider,
    ILogger<MediaSchemaRefresher> logger) : BackgroundService
{
    private bool _startedComplete;

    private string Upstream => upstream.Value.UsesSimulator ? "simulator" : upstream.Value.BaseUrl!;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RefreshFromUpstream)
        {
            LogShippedOnly(logger);
            return;
        }

        using var wait = new CancellationTokenSource(options.Value.StartupWait, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, wait.Token);
        try
        {
            await LoadCachedAsync(linked.Token);
            _startedComplete = await RefreshAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogStartupWaitOver(logger, options.Value.StartupWait, Upstream);
        }

        LogInForce(logger, Describe(registry.Current));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RefreshFromUpstream)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.RefreshInterval, timeProvider);
        try
        {
            // A start-up cut short by StartupWait (or an upstream that failed then) gets one more try at once.
            if (!_startedComplete)
            {
                await RefreshAndReportAsync(stoppingToken);
            }

            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAndReportAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Fetches every event type's schema from the upstream; true when every one was fetched and usable.</summary>
    internal async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var eventTypes = registry.Current.EventTypes.ToList();
        var now = timeProvider.GetUtcNow();
        var fetched = await Task.WhenAll(eventTypes.Select(t => FetchAsync(t, now, cancellationToken)));
        var usable = fetched.OfType<MediaEventSchema>().ToList();
        var changed = registry.Replace(usable);
        foreach (var schema in usable.Where(s => s.NotEnforced.Count > 0 && changed))
        {
            LogNotEnforced(logger, schema.EventType, Upstream, string.Join(", ", schema.NotEnforced));
        }

        if (usable.Count > 0)
        {
            await StoreAsync(usable, now, cancellationToken);
        }

        return usable.Count == eventTypes.Count;
    }

    private async Task RefreshAndReportAsync(CancellationToken cancellationToken)
    {
        var before = registry.Current;
        await RefreshAsync(cancellationToken);
        if (!ReferenceEquals(before, registry.Current))
        {
            LogInForce(logger, Describe(registry.Current));
        }
    }

    private async Task<MediaEventSchema?> FetchAsync(string eventType, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await api.GetSchemaAsync(eventType, cancellationToken);
            if (response.HasRequestError(out var requestError))
            {
                var cause = requestError.InnerException ?? requestError;
                cancellationToken.ThrowIfCancellationRequested();
                LogFetchFailed(logger, eventType, Upstream, $"{cause.GetType().Name}: {cause.Message}");
                return null;
            }

            if (!response.IsSuccessStatusCode || response.Content is not { } document)
            {
                LogFetchFailed(logger, eventType, Upstream, $"HTTP {(int?)response.StatusCode}");
                return null;
            }

            return MediaEventSchema.Parse(eventType, document, SchemaOrigin.Upstream, now);
        }
        catch (InvalidSchemaException ex)
        {
            LogUnusable(logger, eventType, Upstream, ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or ApiException)
        {
            LogFetchFailed(logger, eventType, Upstream, $"{ex.GetType().Name}: {ex.Message}");
        }

        return null;
    }

    private async Task LoadCachedAsync(CancellationToken cancellationToken)
    {
        CachedSchemas cached;
        try
        {
            cached = await cache.GetAsync(Upstream, cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogStoreFailed(logger, "read", ex.Message);
            return;
        }

        var usable = new List<MediaEventSchema>();
        foreach (var (eventType, (document, fetchedAt)) in cached.Documents)
        {
            try
            {
                usable.Add(MediaEventSchema.Parse(eventType, document, SchemaOrigin.Store, fetchedAt));
            }
            catch (InvalidSchemaException ex)
            {
                LogUnusable(logger, eventType, "the store", ex.Message);
            }
        }

        registry.Replace(usable);
    }

    private async Task StoreAsync(List<MediaEventSchema> fetched, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(Upstream, fetched.ToDictionary(s => s.EventType, s => s.Document, StringComparer.Ordinal), now, cancellationToken);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogStoreFailed(logger, "write", ex.Message);
        }
    }

    /// <summary>"12 from the upstream http://… (fetched …), 8 shipped (…)": which rules each event type follows.</summary>
    internal static string Describe(MediaEventRules rules) => string.Join("; ", rules.Schemas
        .GroupBy(s => s.Origin)
        .OrderBy(g => g.Key)
        .Select(g => g.Key switch
        {
            SchemaOrigin.Upstream => $"{g.Count()} fetched from the upstream at {g.Max(s => s.FetchedAt):u}",
            SchemaOrigin.Store => $"{g.Count()} from the store's copy (fetched by {g.Max(s => s.FetchedAt):u})",
            _ => $"{g.Count()} shipped",
        } + $" ({string.Join(", ", g.Select(s => s.EventType))})"));
}
