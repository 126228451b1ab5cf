using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// The proxy in-process (WebApplicationFactory) on a real redis-server and a real HTTP fake upstream. One shared
/// instance serves every test class (<see cref="AppFixture"/>); tests stay independent through unique playback
/// keys and unique media ids, so classes run in parallel.
/// </summary>
public sealed class MediaProxyAppFactory : WebApplicationFactory<Program>
{
    /// <summary>The one address every request of the rate-limited app comes from: an ingress in front of the proxy.</summary>
    public static readonly IPAddress IngressAddress = IPAddress.Parse("10.20.30.40");

    private static readonly Lazy<Task<MediaProxyAppFactory>> Shared = new(() => CreateAsync(rateLimited: false));
    private static readonly Lazy<Task<MediaProxyAppFactory>> RateLimited = new(() => CreateAsync(rateLimited: true));
    private readonly bool _rateLimited;

    private MediaProxyAppFactory(FakeUpstream upstream, string redis, bool rateLimited)
    {
        Upstream = upstream;
        Redis = redis;
        _rateLimited = rateLimited;
    }

    public FakeUpstream Upstream { get; }

    public string Redis { get; }

    public static Task<MediaProxyAppFactory> GetSharedAsync() => Shared.Value;

    /// <summary>
    /// A second shared app, with the default rate limits on (the shared one turns them off) and every request
    /// arriving from <see cref="IngressAddress"/>, as players behind an ingress do. It shares the first one's Redis
    /// and fake upstream: two instances on one Redis take over each other's pending work, so they must deliver to
    /// the same upstream.
    /// </summary>
    public static Task<MediaProxyAppFactory> GetRateLimitedAsync() => RateLimited.Value;

    private static async Task<MediaProxyAppFactory> CreateAsync(bool rateLimited)
    {
        if (rateLimited)
        {
            var shared = await GetSharedAsync();
            return new MediaProxyAppFactory(shared.Upstream, shared.Redis, rateLimited: true);
        }

        var redis = await RedisServer.GetConnectionStringAsync();
        var upstream = await FakeUpstream.StartAsync();
        upstream.SessionLatency = TimeSpan.FromMilliseconds(300);
        return new MediaProxyAppFactory(upstream, redis, rateLimited: false);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (_rateLimited)
        {
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new FixedRemoteAddress(IngressAddress)));
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = Redis,
            ["MediaProxy:Upstream:BaseUrl"] = Upstream.BaseUrl,
            // Far above what any shared spec's upstream takes (4 s at most): on a loaded machine a slow answer must
            // not become a timed-out sessions call, which may rightly make a second session (UpstreamOutageTests).
            ["MediaProxy:Upstream:AttemptTimeout"] = "00:00:30",
            // Specs that fail the upstream on purpose can make this shared instance take it as down: a short probe
            // interval keeps that from slowing every other spec running at the same time.
            ["MediaProxy:Upstream:ProbeInterval"] = "00:00:00.250",
            ["MediaProxy:Playbacks:RetryBaseDelay"] = "00:00:00.100",
            ["MediaProxy:Playbacks:RetryMaxDelay"] = "00:00:01",
            // A forward slower than this is queued and sent again by the replay (at least once): far above what a
            // loaded machine makes of the fake upstream, so specs that count deliveries see each event once.
            ["MediaProxy:Playbacks:DirectForwardTimeout"] = "00:00:10",
            ["MediaProxy:Playbacks:RecoveryInterval"] = "00:00:00.250",
            // Thousands of posts from one in-process "client": limits have specs of their own (ExposureTests).
            ["MediaProxy:RateLimits:Enabled"] = _rateLimited ? "true" : "false",
        }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_rateLimited)
        {
            await Upstream.DisposeAsync(); // the rate-limited app borrows the shared one's
        }
    }
}

/// <summary>Sets every request's remote address, first in the pipeline: TestServer has none of its own.</summary>
internal sealed class FixedRemoteAddress(IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}

/// <summary>Hands every test class the shared app with the default rate limits on.</summary>
public sealed class RateLimitedAppFixture : IAsyncLifetime
{
    public MediaProxyAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await MediaProxyAppFactory.GetRateLimitedAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>Hands every test class the one shared app.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public MediaProxyAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await MediaProxyAppFactory.GetSharedAsync();

    // The shared app lives for the whole test run; the process exit tears it down.
    public Task DisposeAsync() => Task.CompletedTask;
}
