using System.Net;
using MediaProxy.Api.Hosting;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>What an internet-facing instance enforces: API keys, CORS, rate limits, validated settings.</summary>
public sealed class ExposureTests : IAsyncLifetime
{
    private const string Origin = "https://player.example.com";

    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?>
    {
        ["MediaProxy:Auth:PlayerApiKeys:0"] = "player-key-old",
        ["MediaProxy:Auth:PlayerApiKeys:1"] = "player-key-new",
        ["MediaProxy:Auth:AdminApiKeys:0"] = "admin-key",
        ["MediaProxy:Cors:AllowedOrigins:0"] = Origin,
        ["MediaProxy:RateLimits:PerPlaybackBurst"] = "3",
        ["MediaProxy:RateLimits:PerPlaybackPerSecond"] = "1",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("admin-key")]
    public async Task PostEvents_WithoutAValidPlayerKey_UnauthorizedProblem(string? apiKey)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/v1/playbacks/{TestEvents.NewKey()}/events", apiKey, TestEvents.AdobePing(1));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Theory]
    [InlineData("player-key-old")]
    [InlineData("player-key-new")]
    public async Task PostEvents_EitherRotatedPlayerKey_Accepted(string apiKey)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/v1/playbacks/{TestEvents.NewKey()}/events", apiKey, TestEvents.AdobePing(1));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("player-key-new", HttpStatusCode.Unauthorized)]
    [InlineData("admin-key", HttpStatusCode.OK)]
    public async Task AdminEndpoints_OnlyTheAdminKeyOpensThem(string apiKey, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Get, "/simulator/sessions", apiKey);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Preflight_AllowedOrigin_AllowsPostWithTheClientsHeaders()
    {
        using var response = await PreflightAsync(Origin);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {response.StatusCode}");
        Assert.Equal(Origin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.Contains("IDEMPOTENCY-KEY", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_UnknownOrigin_NoCorsHeaders()
    {
        using var response = await PreflightAsync("https://evil.example.net");

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task PostEvents_PastThePlaybackBurst_TooManyRequestsWithRetryAfterOtherPlaybacksServed()
    {
        var key = TestEvents.NewKey();
        for (var i = 1; i <= 3; i++)
        {
            using var accepted = await SendAsync(HttpMethod.Post, $"/v1/playbacks/{key}/events", "player-key-new", TestEvents.AdobePing(i));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var limited = await SendAsync(HttpMethod.Post, $"/v1/playbacks/{key}/events", "player-key-new", TestEvents.AdobePing(4));
        using var other = await SendAsync(HttpMethod.Post, $"/v1/playbacks/{TestEvents.NewKey()}/events", "player-key-new", TestEvents.AdobePing(1));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Theory]
    [InlineData("MediaProxy:Cors:AllowedOrigins:0", "not an origin", "MediaProxy:Cors:AllowedOrigins")]
    [InlineData("MediaProxy:Upstream:BaseUrl", "ftp://upstream", "BaseUrl")]
    [InlineData("MediaProxy:Playbacks:MaxEventsPerPost", "5000", "MaxEventsPerPost")]
    [InlineData("MediaProxy:RateLimits:TrustedProxies:0", "proxy.local", "MediaProxy:RateLimits:TrustedProxies")]
    public async Task Startup_InvalidSetting_FailsNamingTheSetting(string setting, string value, string named)
    {
        await using var app = new ConfiguredAppFactory(new Dictionary<string, string?> { [setting] = value });

        var failure = Assert.Throws<ConfigurationRefusedException>(() => app.CreateClient());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? apiKey, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return await _app.CreateClient().SendAsync(request);
    }

    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, $"/v1/playbacks/{TestEvents.NewKey()}/events");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,idempotency-key");
        return await _app.CreateClient().SendAsync(request);
    }
}
