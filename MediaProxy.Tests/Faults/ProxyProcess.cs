using System.Collections.Concurrent;
using System.Diagnostics;

namespace MediaProxy.Tests.Faults;

/// <summary>
/// The built service as a real child process on a free loopback port (not WebApplicationFactory), so a test can
/// SIGKILL it or SIGTERM it like an orchestrator would. Its output is kept for failure messages.
/// </summary>
public sealed class ProxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ProxyProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public HttpClient CreateClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    public string Output => string.Join('\n', _output.TakeLast(60));

    /// <param name="redis">The Redis connection string.</param>
    /// <param name="upstream">The upstream base URL; empty for the built-in simulator.</param>
    /// <param name="settings">More environment variables (<c>MediaProxy__Simulator__SessionLatency</c>…), applied last.</param>
    public static async Task<ProxyProcess> StartAsync(string redis, string upstream, IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = RedisProcess.FreePort();
        var start = new ProcessStartInfo("dotnet", [ApiDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(ApiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ConnectionStrings__Redis"] = $"{redis},connectTimeout=1000,asyncTimeout=2000,syncTimeout=2000",
                ["MediaProxy__Upstream__BaseUrl"] = upstream,
                ["MediaProxy__Upstream__RetryDelay"] = "00:00:00.020",
                ["MediaProxy__Playbacks__LeaseTtl"] = "00:00:01.500",
                ["MediaProxy__Playbacks__RecoveryInterval"] = "00:00:00.250",
                ["MediaProxy__Playbacks__RetryBaseDelay"] = "00:00:00.100",
                ["MediaProxy__Playbacks__RetryMaxDelay"] = "00:00:01",
                ["MediaProxy__RateLimits__Enabled"] = "false",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
            },
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var proxy = new ProxyProcess(Process.Start(start)!, port);
        using var client = proxy.CreateClient();
        await Eventually.WaitUntilAsync(async () =>
        {
            try
            {
                return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException) when (!proxy._process.HasExited)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"the proxy on port {port} never got ready:\n{proxy.Output}");
        return proxy;
    }

    /// <summary>SIGKILL: no shutdown code runs, leases are left to expire.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    /// <summary>MediaProxy.Api.dll as built for the configuration these tests run in.</summary>
    internal static string ApiDll { get; } = FindApiDll();

    private static string FindApiDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "MediaProxy.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root?.FullName ?? ".", "MediaProxy.Api", "bin", configuration, "net10.0", "MediaProxy.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build MediaProxy.Api ({configuration}) first: {dll} is missing.");
    }
}
