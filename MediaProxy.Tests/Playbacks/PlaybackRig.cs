using System.Collections.Concurrent;
using System.Net;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Refit;
using StackExchange.Redis;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// The background half of the proxy wired by hand as the host wires it (store, upstream client, gate, stages,
/// worker, sweeper) on a fake clock, a real store and a real HTTP upstream. The store is seen through counting
/// decorators of our own interfaces; the sessions client records each call's attempt timeout.
/// </summary>
internal sealed class PlaybackRig : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly ServiceProvider _services;
    private bool _workerStarted;

    private PlaybackRig(StageFixture fixture, PlaybackOptions playback, UpstreamOptions upstream)
    {
        (Redis, Upstream, PlaybackOptions, UpstreamOptions) = (fixture.Redis, fixture.Upstream, playback, upstream);
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Options.Create(playback));
        services.AddSingleton(Options.Create(upstream));
        services.AddSingleton(Redis);
        Store = new CountingStore(new RedisPlaybackStore(Redis, Options.Create(playback), Time));
        Coordination = new CountingCoordination(new RedisPlaybackCoordination(Redis, Options.Create(playback), Time));
        services.AddSingleton<IPlaybackStore>(Store);
        services.AddSingleton<IPlaybackCoordination>(Coordination);
        services.AddMediaCollectionUpstream();
        services.AddSingleton(sp => new MediaCollectionClient(
            SessionsApi = new RecordingSessionsApi(sp.GetRequiredService<IMediaSessionsApi>()),
            sp.GetRequiredService<IMediaEventsApi>(),
            sp.GetRequiredService<IOptions<UpstreamOptions>>(),
            Time,
            sp.GetRequiredService<ILogger<MediaCollectionClient>>()));
        services.AddSingleton<PlaybackMetrics>();
        services.AddSingleton<PlaybackScheduler>();
        services.AddSingleton<ReplayGovernor>();
        services.AddSingleton<UpstreamHealth>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<EventDelivery>();
        services.AddSingleton<SessionStarter>();
        services.AddSingleton<QueueDeliverer>();
        services.AddSingleton<PlaybackStages>();
        services.AddSingleton<PlaybackWorker>();
        services.AddSingleton<PendingPlaybackSweeper>();
        _services = services.BuildServiceProvider();
        _ = Get<MediaCollectionClient>();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IConnectionMultiplexer Redis { get; }

    public FakeUpstream Upstream { get; }

    public PlaybackOptions PlaybackOptions { get; }

    public UpstreamOptions UpstreamOptions { get; }

    public CountingStore Store { get; }

    public CountingCoordination Coordination { get; }

    public RecordingSessionsApi SessionsApi { get; private set; } = null!;

    public UpstreamGate Gate => Get<UpstreamGate>();

    public PlaybackScheduler Scheduler => Get<PlaybackScheduler>();

    /// <summary>
    /// A rig on an emptied store. Defaults: down after 5 failures, probe every 10 s, attempt timeout 10 s (90 s
    /// at most for sessions calls), retries from 1 s, leases of 5 min (never expiring in real time during a spec),
    /// no drain window, and the replay not yielding to posts (no posts here; its pacing has specs of its own).
    /// </summary>
    public static async Task<PlaybackRig> StartAsync(StageFixture fixture, Action<PlaybackOptions>? playback = null, Action<UpstreamOptions>? upstream = null)
    {
        await fixture.FlushAsync();
        var playbackOptions = new PlaybackOptions
        {
            LeaseTtl = TimeSpan.FromMinutes(5),
            ShutdownDrainTimeout = TimeSpan.Zero,
            ReplayYieldsToPosts = false,
            RetryBaseDelay = TimeSpan.FromSeconds(1),
            RetryMaxDelay = TimeSpan.FromMinutes(1),
            MaxEventAge = TimeSpan.FromHours(1),
        };
        playback?.Invoke(playbackOptions);
        var upstreamOptions = new UpstreamOptions
        {
            BaseUrl = fixture.Upstream.BaseUrl,
            AttemptTimeout = TimeSpan.FromSeconds(10),
            MaxSessionsAttemptTimeout = TimeSpan.FromSeconds(90),
            OutageThreshold = 5,
            ProbeInterval = TimeSpan.FromSeconds(10),
        };
        upstream?.Invoke(upstreamOptions);
        return new PlaybackRig(fixture, playbackOptions, upstreamOptions);
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public async Task StartWorkerAsync()
    {
        _workerStarted = true;
        await Get<PlaybackWorker>().StartAsync(None);
    }

    public async ValueTask DisposeAsync()
    {
        if (_workerStarted)
        {
            await Get<PlaybackWorker>().StopAsync(None);
        }

        await _services.DisposeAsync();
    }

    /// <summary>Accepts a post as the API does (the sessionStart marked pending); the new playback's key.</summary>
    public async Task<string> AcceptAsync(string key, params PlaybackEvent[] events)
    {
        await Store.AcceptAsync(key, events, null, default(AcceptConditions), None);
        if (events.Any(e => e.IsSessionStart))
        {
            await Coordination.MarkPendingAsync(key, Time.GetUtcNow(), None);
        }

        return key;
    }

    /// <summary>A new playback in <c>starting</c>, with <paramref name="queued"/> pings queued behind its sessionStart.</summary>
    public Task<string> StartingAsync(string key, int queued = 0) =>
        AcceptAsync(key, [Start(key), .. Enumerable.Range(1, queued).Select(i => Ping(i, key))]);

    /// <summary>A playback whose session the upstream created, replaying <paramref name="queued"/> pings (live with none).</summary>
    public async Task<(string Key, string SessionId)> ReplayingAsync(string key, int queued)
    {
        await StartingAsync(key, queued);
        var playback = await GetAsync(key);
        var started = await Get<SessionStarter>().RunAsync(key, playback, null, None);
        Assert.True(queued > 0 ? started is StageOutcome.Replay : started == StageOutcome.Done, $"sessions call: {started}");
        var replaying = await GetAsync(key);
        Assert.Equal(queued > 0 ? PlaybackState.Replaying : PlaybackState.Live, replaying.State);
        return (key, replaying.SessionId!);
    }

    public async Task<PlaybackSnapshot> GetAsync(string key) =>
        await Store.GetAsync(key, None) ?? throw new Xunit.Sdk.XunitException($"Playback {key} is not in the store.");

    /// <summary>The playback's due time in the pending index (epoch ms); null when it is not there.</summary>
    public async Task<long?> PendingScoreAsync(string key) =>
        (long?)await Redis.GetDatabase().SortedSetScoreAsync(RedisKeys.PendingIndex(RedisPlaybackCoordination.Shard(key)), key);

    public async Task<bool> IsListedFailedAsync(string key) =>
        await Redis.GetDatabase().SortedSetScoreAsync(RedisKeys.FailedIndex(RedisPlaybackCoordination.Shard(key)), key) is not null;

    public async Task<bool> IsLeasedAsync(string key) => await Redis.GetDatabase().KeyExistsAsync(RedisKeys.Lease(key));

    /// <summary>The fake clock now, as a pending index score.</summary>
    public long NowScore => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Sessions calls answering 503 through the gate until this instance takes the upstream as down.</summary>
    public async Task BringDownAsync(TimeSpan? retryAfter = null)
    {
        for (var i = 0; i < UpstreamOptions.OutageThreshold; i++)
        {
            var pass = await Gate.EnterAsync(UpstreamCall.Sessions, wait: false, None) ?? throw new InvalidOperationException("gate refused");
            Gate.Exit(pass, UpstreamResult.FromStatus(HttpStatusCode.ServiceUnavailable, null, forEvent: false, retryAfter));
        }

        Assert.False(Gate.Health.IsAvailable, "the upstream is still taken as up");
    }

    /// <summary>The clock moved to the moment the next probe may go out.</summary>
    /// <summary>Moves the clock on in steps of <paramref name="step"/> (each firing the timers due) while staying below <paramref name="limit"/>.</summary>
    public void AdvanceInStepsBelow(TimeSpan step, TimeSpan limit)
    {
        for (var elapsed = step; elapsed < limit; elapsed += step)
        {
            Time.Advance(step);
        }
    }

    public void AdvanceToProbe() => Time.SetUtcNow(Gate.Health.NextProbeAt ?? throw new InvalidOperationException("the upstream is up"));

    public static PlaybackEvent Start(string mediaId) => new(MediaEventTypes.SessionStart, TestEvents.SessionStart(mediaId));

    public static PlaybackEvent Ping(int seq, string marker) => new("ping", TestEvents.Ping(seq, marker));

    /// <summary>The accepted events of a session, as their sequence numbers.</summary>
    public IReadOnlyList<int> Delivered(string sessionId) => Upstream.SequenceOf(sessionId);

    /// <summary>Event posts of this playback that reached the upstream (answered or not).</summary>
    public int EventCalls(string key) => Upstream.EventCallCount(body => body.Contains(key, StringComparison.Ordinal));

    public int SessionCalls(string key) => Upstream.SessionCallCount(body => body.Contains(key, StringComparison.Ordinal));
}

/// <summary>The generated sessions client, each call's attempt timeout recorded on its way (a decorator of our interface).</summary>
internal sealed class RecordingSessionsApi(IMediaSessionsApi inner) : IMediaSessionsApi
{
    public ConcurrentQueue<TimeSpan> AttemptTimeouts { get; } = new();

    public Task<IApiResponse> StartSessionAsync(HttpContent body, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        AttemptTimeouts.Enqueue(attemptTimeout);
        return inner.StartSessionAsync(body, attemptTimeout, cancellationToken);
    }
}
