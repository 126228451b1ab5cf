using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace MediaProxy.Tests.Faults;

/// <summary>
/// A redis-server of the fault suite's own, with AOF (appendfsync always) in a temporary folder, so a test can
/// stop it and start it again on the same port with its data, without touching the suite's shared Redis.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mediaproxy-aof-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Endpoint => $"127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync()
    {
        var redis = new RedisProcess();
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        _process = Process.Start(new ProcessStartInfo("redis-server",
            $"--port {Port} --bind 127.0.0.1 --dir {_dir} --appendonly yes --appendfsync always --save \"\" --daemonize no")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("redis-server did not start (is it installed? scripts/test.sh installs it).");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        await Eventually.WaitUntilAsync(async () =>
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},connectTimeout=500");
                return (await probe.GetDatabase().PingAsync()) >= TimeSpan.Zero;
            }
            catch (RedisConnectionException)
            {
                return false;
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("LOADING", StringComparison.Ordinal))
            {
                // Up, but still replaying its AOF: not restarted yet (a CI run failed here on a busy machine).
                return false;
            }
        }, TimeSpan.FromSeconds(20), () => $"redis-server on {Endpoint} did not answer");
    }

    /// <summary>SIGTERM: Redis flushes its AOF and exits, as in a restart.</summary>
    /// <summary>What the server says it uses (<c>INFO memory</c>'s used_memory), in bytes.</summary>
    public async Task<long> UsedMemoryAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync($"{Endpoint},allowAdmin=true");
        var memory = (await admin.GetServers()[0].InfoAsync("memory")).SelectMany(g => g).ToDictionary(p => p.Key, p => p.Value);
        return long.Parse(memory["used_memory"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill!.WaitForExitAsync();
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
