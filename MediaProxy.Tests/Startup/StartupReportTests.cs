using System.Text.Json;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Startup;

/// <summary>
/// What an operator reads at start-up and on /health/ready: the store, the upstream, keys, rate limits, CORS,
/// Swagger and metrics, the URLs to open, and an open API in Production on the network said at every start.
/// </summary>
public sealed class StartupReportTests
{
    internal const int Database = 6;

    [Fact]
    public async Task Start_ProductionWithoutKeysOnAllInterfaces_WarnsAndReadyShowsItDegraded()
    {
        await using var run = StartupRun.Start(await ProductionAsync(), host: "0.0.0.0");
        await run.WaitUntilListeningAsync();
        using var http = run.CreateClient();

        using var ready = await http.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());

        Assert.True(ready.IsSuccessStatusCode, $"{ready.StatusCode}: {body.RootElement}"); // degraded, still ready
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        var exposure = body.RootElement.GetProperty("checks").GetProperty("exposure");
        Assert.Equal("Degraded", exposure.GetProperty("status").GetString());
        Assert.Equal(0, exposure.GetProperty("data").GetProperty("playerApiKeys").GetInt32());
        Assert.Contains($"0.0.0.0:{run.Port}", exposure.GetProperty("data").GetProperty("addresses").GetString(), StringComparison.Ordinal);
        await WaitForListeningLineAsync(run);
        Assert.Contains(run.Lines, l => l.Contains("OPEN API", StringComparison.Ordinal) && l.Contains("\"Warning\"", StringComparison.Ordinal));
        string[] reported = ["Store: Redis", "Upstream: the built-in SIMULATOR", "Upstream concurrency: sessions calls start at 1024 at once and adapt up to 16384",
            "Authentication: player API OFF", "Rate limits: per playback 20/s",
            "CORS: no browser origin allowed", "Swagger: on at /swagger", $"Listening on http://0.0.0.0:{run.Port}: Swagger UI http://localhost:{run.Port}/swagger"];
        Assert.All(reported, text => Assert.Contains(run.Lines, l => l.Contains(text, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_InitialSessionCallsSetForACrowd_ReportsWhereTheLimitStarts()
    {
        var environment = await ProductionAsync();
        environment["MediaProxy__Upstream__InitialConcurrentSessionCalls"] = "10000";

        await using var run = StartupRun.Start(environment, host: "127.0.0.1");
        await run.WaitUntilListeningAsync();
        await WaitForListeningLineAsync(run);

        Assert.Contains(run.Lines, l => l.Contains("sessions calls start at 10000 at once and adapt up to 16384", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.0.0.0", true)]
    [InlineData("127.0.0.1", false)]
    public async Task Start_ProductionWithPlayerKeysOrOnLoopback_NoOpenApiWarning(string host, bool keys)
    {
        var environment = await ProductionAsync();
        if (keys)
        {
            environment["MediaProxy__Auth__PlayerApiKeys__0"] = "player-key";
        }

        await using var run = StartupRun.Start(environment, host);
        await run.WaitUntilListeningAsync();
        using var http = run.CreateClient();

        using var body = JsonDocument.Parse(await http.GetStringAsync("/health/ready"));

        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("exposure").GetProperty("status").GetString());
        await WaitForListeningLineAsync(run); // the warning, when there is one, is written just before it
        Assert.DoesNotContain(run.Lines, l => l.Contains("OPEN API", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_ProductionOnTheEmbeddedStoreWithADataDirectory_StartsDurableAndSaysWhere()
    {
        var directory = Directory.CreateTempSubdirectory("mediaproxy-data-").FullName;
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["MediaProxy__Upstream__Simulate"] = "true",
                ["MediaProxy__Embedded__DataDirectory"] = directory,
            };
            await using (var run = StartupRun.Start(environment, host: "127.0.0.1"))
            {
                await run.WaitUntilListeningAsync();
                using var http = run.CreateClient();

                using var ready = await http.GetAsync("/health/ready");

                Assert.True(ready.IsSuccessStatusCode, run.Output);
                Assert.Contains(run.Lines, l => l.Contains($"Store: embedded Garnet, durable in {directory}", StringComparison.Ordinal));
                Assert.DoesNotContain(run.Lines, l => l.Contains("NOT durable", StringComparison.Ordinal));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("900", false)]
    public async Task Start_FewerOpenFilesThanTheUpstreamCeilingsNeed_WarnsNamingTheSetting(string? sessionCalls, bool warned)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["MediaProxy__Upstream__BaseUrl"] = "http://127.0.0.1:9",
        };
        if (sessionCalls is not null)
        {
            environment["MediaProxy__Upstream__MaxConcurrentSessionCalls"] = sessionCalls; // 900 + 1,024 sends + 1,024 kept < 4,096
        }

        await using var run = StartupRun.Start(environment, openFiles: 4_096);
        await run.WaitUntilListeningAsync();
        await WaitForListeningLineAsync(run);

        var warning = run.Lines.FirstOrDefault(l => l.Contains("may open only 4096 files", StringComparison.Ordinal));
        Assert.Equal(warned, warning is not null);
        Assert.True(warning is null || warning.Contains("MaxConcurrentSessionCalls", StringComparison.Ordinal), warning);
    }

    [Theory]
    [InlineData("Max open files            4096                 524288               files     ", 4096L)]
    [InlineData("Max open files            unlimited            unlimited            files     ", null)]
    [InlineData("Max processes             63703                63703                processes ", null)]
    public void Parse_ProcSelfLimits_TheSoftOpenFilesLimit(string row, long? expected) =>
        Assert.Equal(expected, MediaProxy.Api.Hosting.OpenFilesLimit.Parse("Limit                     Soft Limit           Hard Limit           Units     \n" + row + "\n"));

    private static Task WaitForListeningLineAsync(StartupRun run) =>
        Eventually.WaitUntilAsync(() => run.Lines.Any(l => l.Contains("Listening on", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), () => run.Output);

    private static async Task<Dictionary<string, string>> ProductionAsync() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        // A database of its own: an instance on the shared one would take over other specs' pending playbacks.
        ["ConnectionStrings__Redis"] = await RedisServer.GetConnectionStringAsync(Database),
        ["MediaProxy__Upstream__Simulate"] = "true",
    };
}
