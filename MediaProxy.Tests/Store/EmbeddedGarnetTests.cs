using System.Globalization;
using Garnet;
using MediaProxy.Api.Hosting.Store;
using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace MediaProxy.Tests.Store;

/// <summary>
/// The embedded store is a real Garnet server: these specs hold it to what the Redis store relies on, atomic
/// scripts and no record dropped when its memory is full.
/// </summary>
public sealed class EmbeddedGarnetTests
{
    // Read, then write what was read plus one: two scripts interleaving lose an increment.
    private const string Increment = """
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        for i = 1, 50 do redis.call('GET', KEYS[1]) end
        redis.call('SET', KEYS[1], v + 1)
        return v
        """;

    [Fact]
    public async Task ScriptEvaluate_ConcurrentReadModifyWriteFromManyConnections_NoIncrementLost()
    {
        using var garnet = EmbeddedGarnet.Start(new EmbeddedStoreOptions(), NullLoggerFactory.Instance);

        var total = await IncrementConcurrentlyAsync(garnet.Endpoint, connections: 8, perConnection: 250);

        Assert.Equal(8 * 250, total);
    }

    [Fact]
    public async Task ScriptEvaluate_WithoutTransactionMode_IncrementsAreLost()
    {
        // The control for the spec above: what the embedded store would do without --lua-transaction-mode.
        var port = FreePort();
        var args = GarnetArguments.For(new EmbeddedStoreOptions(), port, Directory.CreateTempSubdirectory().FullName).ToList();
        var mode = args.IndexOf("--lua-transaction-mode");
        args.RemoveRange(mode, 2);
        using var garnet = new GarnetServer([.. args], NullLoggerFactory.Instance);
        garnet.Start();

        var total = await IncrementConcurrentlyAsync($"127.0.0.1:{port}", connections: 8, perConnection: 250);

        Assert.True(total < 8 * 250, $"no increment was lost ({total}): the spec above would pass without transaction mode");
    }

    [Fact]
    public async Task Defaults_TenThousandPlaybacksWaitingThroughAnOutage_NewPlaybacksStillTaken()
    {
        // The store guard's budget on Garnet is its log memory, and the pending-playback cap derives from it: the
        // default embedded store must take an outage of 10,000 players (~2 KB each in the store) without refusing.
        using var garnet = EmbeddedGarnet.Start(new EmbeddedStoreOptions(), NullLoggerFactory.Instance);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{garnet.Endpoint},allowAdmin=true");
        var store = (await redis.GetServers()[0].InfoAsync("store")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        var budget = long.Parse(store["Log.MaxMemorySizeBytes"], CultureInfo.InvariantCulture);
        var capacity = new StoreCapacity(Options.Create(new StoreGuardOptions()));

        capacity.Observe(used: 10_000 * 2_048, budget, pending: 10_000);

        Assert.Equal(StoreRoom.Open, capacity.Room);
    }

    [Fact]
    public async Task ListPush_FarMoreDataThanItsMemory_RecordsSpilledToDiskReadBack()
    {
        // 8 MB of memory, 20 MB of lists: Garnet without a disk tier drops the oldest records. Records on disk are
        // slow to read back (the memory guard keeps a proxy's working set in memory), so one in 200 is checked.
        using var garnet = EmbeddedGarnet.Start(new EmbeddedStoreOptions { MemoryMegabytes = 8 }, NullLoggerFactory.Instance);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{garnet.Endpoint},asyncTimeout=60000");
        var db = redis.GetDatabase();
        var value = new string('x', 1_000);

        await Task.WhenAll(Enumerable.Range(0, 20_000).Select(i => db.ListRightPushAsync($"mp:{{k{i}}}:q", value)));

        for (var i = 0; i < 20_000; i += 200)
        {
            Assert.Equal(1, await db.ListLengthAsync($"mp:{{k{i}}}:q"));
        }
    }

    [Fact]
    public void Start_DataDirectoryInUse_RefusedWithAMessageNamingIt()
    {
        var directory = Directory.CreateTempSubdirectory().FullName;
        using var first = EmbeddedGarnet.Start(new EmbeddedStoreOptions { DataDirectory = directory }, NullLoggerFactory.Instance);

        var refused = Assert.Throws<InvalidOperationException>(() =>
            EmbeddedGarnet.Start(new EmbeddedStoreOptions { DataDirectory = directory }, NullLoggerFactory.Instance));

        Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<long> IncrementConcurrentlyAsync(string endpoint, int connections, int perConnection)
    {
        var key = $"mp:{{{Guid.NewGuid():N}}}:n";
        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => ConnectionMultiplexer.ConnectAsync(endpoint)));
        try
        {
            await Task.WhenAll(clients.Select(client => Task.WhenAll(Enumerable.Range(0, perConnection)
                .Select(_ => client.GetDatabase().ScriptEvaluateAsync(Increment, [key])))));
            return long.Parse((string)(await clients[0].GetDatabase().StringGetAsync(key))!, CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
