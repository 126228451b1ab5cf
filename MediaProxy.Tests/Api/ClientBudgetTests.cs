using System.Net;
using System.Text;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MediaProxy.Tests.Api;

/// <summary>
/// Who a rate limit counts as one client: the address only where it is the client's (trusted proxies, or directly
/// exposed), an IPv6 client by its /64, the API key when player keys are on; behind an ingress, nobody by address.
/// </summary>
public sealed class ClientBudgetTests
{
    private static readonly IPAddress Proxy = IPAddress.Parse("10.0.0.5");

    [Fact]
    public async Task PostEvents_BehindAnIngressByDefault_NoBucketByAddress()
    {
        await using var app = App(new() { ["MediaProxy:RateLimits:PerAddressBurst"] = "2", ["MediaProxy:RateLimits:PerAddressPerSecond"] = "1" });

        var statuses = await PostFromAsync(app, forwardedFor: null, count: 5);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
    }

    [Fact]
    public async Task PostEvents_DirectlyExposedPastTheAddressBurst_TooManyRequests()
    {
        await using var app = App(new()
        {
            ["MediaProxy:RateLimits:DirectlyExposed"] = "true",
            ["MediaProxy:RateLimits:PerAddressBurst"] = "2",
            ["MediaProxy:RateLimits:PerAddressPerSecond"] = "1",
        });

        AssertBurstThenRefused(await PostFromAsync(app, forwardedFor: null, count: 4));
    }

    [Fact]
    public async Task PostEvents_BehindTrustedProxies_EachForwardedClientItsOwnBucketIPv6ByItsSlash64()
    {
        await using var app = App(new()
        {
            ["MediaProxy:RateLimits:TrustedProxies:0"] = "10.0.0.0/8",
            ["MediaProxy:RateLimits:PerAddressBurst"] = "2",
            ["MediaProxy:RateLimits:PerAddressPerSecond"] = "1",
        });

        AssertBurstThenRefused(await PostFromAsync(app, "203.0.113.7", 4));
        Assert.Equal([HttpStatusCode.Accepted], await PostFromAsync(app, "203.0.113.8", 1));
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], await PostFromAsync(app, "2001:db8:1:2::1", 2));
        Assert.Contains(HttpStatusCode.TooManyRequests, await PostFromAsync(app, "2001:db8:1:2:ffff:ffff:ffff:ffff", 2)); // the same /64
        Assert.Equal([HttpStatusCode.Accepted], await PostFromAsync(app, "2001:db8:1:3::1", 1));
    }

    [Fact]
    public async Task PostEvents_PlayerKeysOn_EachKeyItsOwnBudget()
    {
        await using var app = App(new()
        {
            ["MediaProxy:Auth:PlayerApiKeys:0"] = "fleet-a",
            ["MediaProxy:Auth:PlayerApiKeys:1"] = "fleet-b",
            ["MediaProxy:RateLimits:PerApiKeyBurst"] = "2",
            ["MediaProxy:RateLimits:PerApiKeyPerSecond"] = "1",
        });

        AssertBurstThenRefused(await PostFromAsync(app, forwardedFor: null, count: 4, apiKey: "fleet-a"));
        Assert.Equal([HttpStatusCode.Accepted], await PostFromAsync(app, forwardedFor: null, count: 1, apiKey: "fleet-b"));
    }

    /// <summary>A burst of 2 is accepted, then refused (a token replenished meanwhile may let one more through).</summary>
    private static void AssertBurstThenRefused(List<HttpStatusCode> statuses)
    {
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], statuses[..2]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses[2..]);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.TooManyRequests, $"{s}"));
    }

    private static ConfiguredAppFactory App(Dictionary<string, string?> settings) =>
        new(settings, services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new FixedRemoteAddress(Proxy)));

    /// <summary><paramref name="count"/> posts, one after the other, each to a new playback (so only client budgets can refuse).</summary>
    private static async Task<List<HttpStatusCode>> PostFromAsync(ConfiguredAppFactory app, string? forwardedFor, int count, string? apiKey = null)
    {
        var http = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/playbacks/{TestEvents.NewKey()}/events")
            {
                Content = new StringContent(TestEvents.AdobePing(1), Encoding.UTF8, "application/json"),
            };
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            if (apiKey is not null)
            {
                request.Headers.Add("X-Api-Key", apiKey);
            }

            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}
