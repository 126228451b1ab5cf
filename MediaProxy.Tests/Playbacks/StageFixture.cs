using MediaProxy.Api.Hosting.Store;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace MediaProxy.Tests.Playbacks;

/// <summary>
/// A store and an upstream of a spec class's own: the embedded store's Garnet server (the same Lua scripts through
/// the same client as Redis) and a Kestrel fake of the Media Collection API. A store of its own because these specs
/// read the whole pending index (the sweeper) or list failed playbacks; each rig empties it first, and the specs
/// of one class run one after the other.
/// </summary>
public sealed class StageFixture : IAsyncLifetime
{
    private EmbeddedGarnet _garnet = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public FakeUpstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _garnet = EmbeddedGarnet.Start(new EmbeddedStoreOptions { MemoryMegabytes = 16 }, NullLoggerFactory.Instance);
        Redis = await ConnectionMultiplexer.ConnectAsync($"{_garnet.Endpoint},allowAdmin=true");
        Upstream = await FakeUpstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Upstream.DisposeAsync();
        await Redis.DisposeAsync();
        _garnet.Dispose();
    }

    /// <summary>Empties the store: every spec begins with no playback and an empty pending index.</summary>
    public Task FlushAsync() => Redis.GetServers().Single().FlushAllDatabasesAsync();
}
