using System.Net;
using MediaProxy.Core.Playbacks;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Tests.Api;

/// <summary>When Redis cannot be reached nothing is accepted: 503 with Retry-After, never 202, never a 500.</summary>
public sealed class StoreUnavailableTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ConfiguredAppFactory _app;

    public StoreUnavailableTests() => _app = new(new Dictionary<string, string?>
    {
        // Port 1 on loopback: nothing listens there, so every command fails fast.
        ["ConnectionStrings:Redis"] = "127.0.0.1:1,connectTimeout=200,asyncTimeout=500,syncTimeout=500",
    }, services => services.AddSingleton<ILoggerProvider>(_logs));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task PostEvents_RedisUnreachable_ServiceUnavailableWithRetryAfterNothingAccepted()
    {
        var key = TestEvents.NewKey();
        using var content = new StringContent(TestEvents.SessionStart(key), System.Text.Encoding.UTF8, "application/json");

        using var response = await _app.CreateClient().PostAsync($"/v1/playbacks/{key}/events", content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Nothing was accepted", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvents_AnyLogLineOfTheRequest_CarriesTheKeyTruncatedNeverInFull()
    {
        var key = TestEvents.NewKey();
        using var content = new StringContent(TestEvents.AdobePing(1), System.Text.Encoding.UTF8, "application/json");

        using var response = await _app.CreateClient().PostAsync($"/v1/playbacks/{key}/events", content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var lines = _logs.Lines.ToList();
        var storeError = lines.SingleOrDefault(l => l.Contains("answering 503", StringComparison.Ordinal) && l.Contains(PlaybackKey.ForLog(key), StringComparison.Ordinal));
        Assert.True(storeError is not null, $"no store error line with {PlaybackKey.ForLog(key)}:\n{string.Join('\n', lines)}");
        Assert.Contains("RequestId", storeError, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HealthReady_RedisUnreachable_Unhealthy()
    {
        using var response = await _app.CreateClient().GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
