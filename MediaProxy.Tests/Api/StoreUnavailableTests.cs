using System.Net;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Api;

/// <summary>When Redis cannot be reached nothing is accepted: 503 with Retry-After, never 202, never a 500.</summary>
public sealed class StoreUnavailableTests : IAsyncLifetime
{
    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?>
    {
        // Port 1 on loopback: nothing listens there, so every command fails fast.
        ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200,asyncTimeout=500,syncTimeout=500",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PostEvents_RedisUnreachable_ServiceUnavailableWithRetryAfter()
    {
        var key = TestEvents.NewKey();
        using var content = new StringContent(TestEvents.SessionStart(key), System.Text.Encoding.UTF8, "application/json");

        using var response = await _app.CreateClient().PostAsync($"/v1/playbacks/{key}/events", content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthReady_RedisUnreachable_Unhealthy()
    {
        using var response = await _app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
