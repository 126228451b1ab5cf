using System.Diagnostics;
using MediaProxy.Api.Hosting;
using MediaProxy.Tests.Faults;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Container;

/// <summary>
/// The image's HEALTHCHECK runs <c>dotnet MediaProxy.Api.dll probe</c> (no curl in the image): exit 0 when the
/// instance answers its readiness probe, 1 when it does not. Run here as the container runs it, a process of its own.
/// </summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Probe_DefaultUrlOnAReadyInstance_ExitsZero()
    {
        await using var proxy = await ProxyProcess.StartAsync(string.Empty, upstream: string.Empty, new Dictionary<string, string> { ["ConnectionStrings__Redis"] = string.Empty });

        // As in the Dockerfile: no URL, the port from ASPNETCORE_HTTP_PORTS.
        var (exitCode, output) = await ProbeAsync([], new() { ["ASPNETCORE_HTTP_PORTS"] = proxy.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(exitCode == 0, output);
        Assert.Contains($"http://127.0.0.1:{proxy.Port}/health/ready: 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NothingListening_ExitsOne()
    {
        var (exitCode, output) = await ProbeAsync([$"http://127.0.0.1:{RedisProcess.FreePort()}/health/ready"]);

        Assert.True(exitCode == 1, output);
    }

    [Fact]
    public async Task Probe_NotFound_ExitsOne()
    {
        await using var upstream = await FakeUpstream.StartAsync();

        var (exitCode, output) = await ProbeAsync([$"{upstream.BaseUrl}/health/ready"]);

        Assert.True(exitCode == 1, output);
        Assert.Contains(": 404", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NotAnHttpUrl_ExitsOneWithUsage()
    {
        var (exitCode, output) = await ProbeAsync(["ftp://example"]);

        Assert.True(exitCode == 1, output);
        Assert.Contains("usage:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "http://127.0.0.1:8080/health/ready")]
    [InlineData("9000", "http://127.0.0.1:9000/health/ready")]
    [InlineData("9001;9002", "http://127.0.0.1:9001/health/ready")]
    [InlineData("nonsense", "http://127.0.0.1:8080/health/ready")]
    public void DefaultTarget_HttpPorts_FirstPortOnLoopback(string? httpPorts, string expected) =>
        Assert.Equal(new Uri(expected), HealthProbe.DefaultTarget(httpPorts));

    private static async Task<(int ExitCode, string Output)> ProbeAsync(string[] arguments, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet", [ProxyProcess.ApiDll, HealthProbe.Command, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A bound that turns a probe that never returns (a web server started instead) into a failure.
        using var hung = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"the probe did not exit: {await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
