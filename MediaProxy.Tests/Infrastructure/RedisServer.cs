using MediaProxy.Api.Hosting.Store;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// The one real redis-server of a test run, shared by every fixture (store tests, the proxy's
/// WebApplicationFactory). Found in this order: <c>MEDIAPROXY_TEST_REDIS</c> (host:port, what
/// <c>scripts/test.sh</c> sets; <c>garnet</c> for the embedded store's Garnet server in this process), else a Testcontainers Redis when a Docker engine is there, else a clear error.
/// Tests share it through unique keys; nothing here ever flushes it.
/// </summary>
public sealed class RedisServer
{
    public const string EnvironmentVariable = "MEDIAPROXY_TEST_REDIS";

    /// <summary>The value of <see cref="EnvironmentVariable"/> that runs the specs on the embedded Garnet server.</summary>
    public const string EmbeddedGarnetValue = "garnet";

    private static EmbeddedGarnet? s_garnet;

    private static readonly Lazy<Task<RedisServer>> Shared = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private RedisServer(string endpoint, string origin, IConnectionMultiplexer multiplexer)
    {
        Endpoint = endpoint;
        Origin = origin;
        Multiplexer = multiplexer;
    }

    /// <summary><c>host:port</c>, no options (e.g. <c>127.0.0.1:6390</c>).</summary>
    public string Endpoint { get; }

    /// <summary>The endpoint with the options every client in these tests uses.</summary>
    public string ConnectionString => Endpoint + ",abortConnect=false";

    /// <summary>Where the server came from, for messages: the environment variable or Testcontainers.</summary>
    public string Origin { get; }

    /// <summary>One multiplexer for the whole run, as in production: never one per test.</summary>
    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>The shared server; started (or found) on first use. A failure is the same for every caller.</summary>
    public static Task<RedisServer> GetAsync() => Shared.Value;

    /// <summary><c>host:port</c> of the shared server, without options.</summary>
    public static async Task<string> GetConnectionStringAsync() => (await GetAsync()).Endpoint;

    public static async Task<IConnectionMultiplexer> GetMultiplexerAsync() => (await GetAsync()).Multiplexer;

    /// <summary>
    /// The test Redis, database <paramref name="database"/>: for specs that start and stop proxy instances of their
    /// own. Instances sharing a database share its pending work, so a stopping one could hand another test's
    /// in-flight sessions call back (leaving it an orphan session); a database of their own keeps them apart.
    /// </summary>
    public static async Task<string> GetConnectionStringAsync(int database) =>
        $"{await GetConnectionStringAsync()},defaultDatabase={database}";

    private static async Task<RedisServer> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(configured?.Trim(), EmbeddedGarnetValue, StringComparison.OrdinalIgnoreCase))
        {
            // The embedded store's server, in this process, as the proxy starts it (lives for the whole run).
            s_garnet = EmbeddedGarnet.Start(new EmbeddedStoreOptions(), NullLoggerFactory.Instance);
            return await ConnectAsync(s_garnet.Endpoint, $"{EnvironmentVariable}={EmbeddedGarnetValue} (in-process Garnet)");
        }

        if (!string.IsNullOrWhiteSpace(configured))
        {
            return await ConnectAsync(configured.Trim(), $"{EnvironmentVariable}={configured.Trim()}");
        }

        if (DockerEngineProbe() is { } docker)
        {
            return await StartContainerAsync(docker);
        }

        throw new InvalidOperationException(NoRedisMessage("no Docker engine found (DOCKER_HOST is unset and no docker.sock exists)"));
    }

    private static async Task<RedisServer> StartContainerAsync(string docker)
    {
        var container = new RedisBuilder("redis:7.0").Build();
        try
        {
            // Generous: the first run may pull the image.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await container.StartAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            await container.DisposeAsync();
            throw new InvalidOperationException(NoRedisMessage($"Docker ({docker}) did not start a Redis container: {ex.Message}"), ex);
        }

        // The container lives for the whole run; Testcontainers' resource reaper removes it after the process.
        return await ConnectAsync(container.GetConnectionString(), $"Testcontainers via {docker}");
    }

    private static async Task<RedisServer> ConnectAsync(string endpoint, string origin)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(endpoint + ",abortConnect=false,connectTimeout=5000");
        try
        {
            await multiplexer.GetDatabase().PingAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await multiplexer.DisposeAsync();
            throw new InvalidOperationException(NoRedisMessage($"{origin} does not answer PING: {ex.Message}"), ex);
        }

        return new RedisServer(endpoint, origin, multiplexer);
    }

    /// <summary>A quick look for a Docker engine (no connection attempt): the endpoint to report, or null.</summary>
    private static string? DockerEngineProbe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            return host;
        }

        if (OperatingSystem.IsWindows())
        {
            return "npipe://./pipe/docker_engine";
        }

        string?[] sockets =
        [
            "/var/run/docker.sock",
            Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? Path.Combine(runtime, "docker.sock") : null,
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock"),
        ];
        return sockets.FirstOrDefault(File.Exists) is { } socket ? "unix://" + socket : null;
    }

    private static string NoRedisMessage(string reason) =>
        $"The tests need a real redis-server and none is available: {reason}. Run the suite with `bash scripts/test.sh` " +
        $"(it installs redis-server if missing and starts one on a free port), or start one yourself " +
        $"(`redis-server --port 6390 --save '' --appendonly no`) and set {EnvironmentVariable}=127.0.0.1:6390, " +
        "or start a Docker engine so Testcontainers can run one.";
}
