using System.Collections.Concurrent;
using System.Diagnostics;
using MediaProxy.Tests.Faults;

namespace MediaProxy.Tests.Startup;

/// <summary>
/// The built service as a child process configured by exactly the environment a spec gives (nothing inherited that
/// configures it), for what happens at start-up: its exit code and every line it printed.
/// </summary>
internal sealed class StartupRun : IAsyncDisposable
{
    private static readonly string[] InheritedConfiguration = ["MediaProxy__", "ConnectionStrings__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private StartupRun(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>Every non-empty line printed so far, stdout and stderr.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>
    /// Starts the service on <paramref name="host"/> (a free port) with <paramref name="environment"/> only, and at
    /// most <paramref name="openFiles"/> open files if given (through util-linux's <c>prlimit</c>).
    /// </summary>
    public static StartupRun Start(IReadOnlyDictionary<string, string> environment, string host = "127.0.0.1", int? openFiles = null)
    {
        var port = RedisProcess.FreePort();
        string[] command = ["dotnet", ProxyProcess.ApiDll, "--urls", $"http://{host}:{port}"];
        if (openFiles is { } files)
        {
            command = ["prlimit", $"--nofile={files}:{files}", "--", .. command];
        }

        var start = new ProcessStartInfo(command[0], command[1..])
        {
            WorkingDirectory = Path.GetDirectoryName(ProxyProcess.ApiDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in start.Environment.Keys.Where(k => InheritedConfiguration.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new StartupRun(Process.Start(start)!, port);
    }

    /// <summary>Runs until the process exits by itself (a refusal); a process still running after a minute has started instead.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Lines)> UntilExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        await using var run = Start(environment);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await run._process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The service started instead of refusing to:\n{run.Output}");
        }

        run._process.WaitForExit(); // drains the redirected output
        return (run._process.ExitCode, run.Lines);
    }

    public HttpClient CreateClient() => new() { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Waits until <c>/health/ready</c> answers at all (200 or 503), the server listening and the start-up report written.</summary>
    public async Task WaitUntilListeningAsync()
    {
        using var client = CreateClient();
        await Eventually.WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync("/health/ready");
                return true;
            }
            catch (HttpRequestException) when (!_process.HasExited)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"the service on port {Port} never answered:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            _lines.Enqueue(line);
        }
    }
}
