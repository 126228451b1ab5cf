using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Startup;

/// <summary>
/// Fail closed on configuration, as an operator sees it: the built service as a process, a bad setting, and it stops
/// before serving anything with one line naming the setting and exit code 1 (no stack trace, not 134).
/// </summary>
public sealed class StartupRefusalTests
{
    [Theory]
    [InlineData("MediaProxy__Auth__PlayerKeys__0", "a-player-key", "unknown setting MediaProxy:Auth:PlayerKeys:0 (did you mean MediaProxy:Auth:PlayerApiKeys:0?)")]
    [InlineData("MediaProxy__Upstrem__BaseUrl", "https://example.hb-api.omtrdc.net", "unknown setting MediaProxy:Upstrem:BaseUrl (did you mean MediaProxy:Upstream:BaseUrl?)")]
    [InlineData("MediaProxy__RateLimits__PerClientBurst", "500", "unknown setting MediaProxy:RateLimits:PerClientBurst (did you mean MediaProxy:RateLimits:Per")]
    [InlineData("MediaProxy__Auth__PlayerApiKeys", "a-player-key", "MediaProxy:Auth:PlayerApiKeys is a list: set its entries")]
    [InlineData("MediaProxy__Playbacks__MaxEventsPerPost", "5000", "MediaProxy:Playbacks:MaxEventsPerPost: The field MaxEventsPerPost must be between 1 and 1000.")]
    [InlineData("MediaProxy__Playbacks__Ttl", "5s", "MediaProxy:Playbacks:Ttl is not a duration")]
    [InlineData("MediaProxy__Tracking__OnMismatch", "Ignore", "MediaProxy:Tracking:OnMismatch is not one of Reject, Override")]
    [InlineData("MediaProxy__Upstream__BaseUrl", "ftp://upstream", "MediaProxy:Upstream:BaseUrl: BaseUrl must be an absolute http(s) URL")]
    [InlineData("MediaProxy__RateLimits__TrustedProxies__0", "proxy.local", "MediaProxy:RateLimits:TrustedProxies must hold IP addresses or networks")]
    [InlineData("ConnectionStrings__Redis", "localhost:6379,bogusKeyword=1", "ConnectionStrings:Redis is not a valid connection string")]
    public async Task Start_BadSetting_OneLineNamingItAndExitCodeOne(string name, string value, string expected)
    {
        var (exitCode, lines) = await StartupRun.UntilExitAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            [name] = value,
        });

        AssertRefused(exitCode, lines, expected);
        Assert.DoesNotContain("a-player-key", lines[0], StringComparison.Ordinal); // a secret is never echoed
    }

    [Theory]
    [InlineData(null, "MediaProxy:Upstream:BaseUrl is empty. In Production set it to the Media Collection API")]
    [InlineData("MediaProxy__Upstream__Simulate", "The store would not be durable (embedded Garnet in memory")]
    public async Task Start_ProductionUnsafeDefaults_Refused(string? simulate, string expected)
    {
        var environment = new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        if (simulate is not null)
        {
            environment[simulate] = "true";
        }

        var (exitCode, lines) = await StartupRun.UntilExitAsync(environment);

        AssertRefused(exitCode, lines, expected);
    }

    [Fact]
    public async Task Start_ProductionSimulateAndBaseUrl_RefusedAsAmbiguous()
    {
        var (exitCode, lines) = await StartupRun.UntilExitAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Redis"] = await RedisServer.GetConnectionStringAsync(StartupReportTests.Database),
            ["MediaProxy__Upstream__BaseUrl"] = "https://example.hb-api.omtrdc.net",
            ["MediaProxy__Upstream__Simulate"] = "true",
        });

        AssertRefused(exitCode, lines, "MediaProxy:Upstream:Simulate: Simulate=true and a BaseUrl: set one or the other.");
    }

    private static void AssertRefused(int exitCode, IReadOnlyList<string> lines, string expected)
    {
        var output = string.Join('\n', lines);
        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        var line = Assert.Single(lines);
        Assert.StartsWith("MediaProxy refused to start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }
}
