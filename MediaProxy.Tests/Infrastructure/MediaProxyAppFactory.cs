using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// The proxy in-process (WebApplicationFactory) on a real redis-server and a real HTTP fake upstream. One shared
/// instance serves every test class (<see cref="AppFixture"/>); tests stay independent through unique playback
/// keys and unique media ids, so classes run in parallel.
/// </summary>
public sealed class MediaProxyAppFactory : WebApplicationFactory<Program>
{
    private static readonly Lazy<Task<MediaProxyAppFactory>> Shared = new(CreateAsync);

    private MediaProxyAppFactory(FakeUpstream upstream, string redis)
    {
        Upstream = upstream;
        Redis = redis;
    }

    public FakeUpstream Upstream { get; }

    public string Redis { get; }

    public static Task<MediaProxyAppFactory> GetSharedAsync() => Shared.Value;

    private static async Task<MediaProxyAppFactory> CreateAsync()
    {
        var redis = await RedisServer.GetConnectionStringAsync();
        var upstream = await FakeUpstream.StartAsync();
        upstream.SessionLatency = TimeSpan.FromMilliseconds(300);
        return new MediaProxyAppFactory(upstream, redis);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = Redis,
            ["MediaProxy:Upstream:BaseUrl"] = Upstream.BaseUrl,
            ["MediaProxy:Upstream:AttemptTimeout"] = "00:00:05",
            // Specs that fail the upstream on purpose can make this shared instance take it as down: a short probe
            // interval keeps that from slowing every other spec running at the same time.
            ["MediaProxy:Upstream:ProbeInterval"] = "00:00:00.250",
            ["MediaProxy:Playbacks:RetryBaseDelay"] = "00:00:00.100",
            ["MediaProxy:Playbacks:RetryMaxDelay"] = "00:00:01",
            ["MediaProxy:Playbacks:DirectForwardTimeout"] = "00:00:01",
            ["MediaProxy:Playbacks:RecoveryInterval"] = "00:00:00.250",
            // Thousands of posts from one in-process "client": limits have specs of their own (ExposureTests).
            ["MediaProxy:RateLimits:Enabled"] = "false",
        }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}

/// <summary>Hands every test class the one shared app.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public MediaProxyAppFactory App { get; private set; } = null!;

    public async Task InitializeAsync() => App = await MediaProxyAppFactory.GetSharedAsync();

    // The shared app lives for the whole test run; the process exit tears it down.
    public Task DisposeAsync() => Task.CompletedTask;
}
