using System.Net;
using MediaProxy.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace MediaProxy.Tests.Api;

/// <summary>A request's client: the API key when keys are on, the address where it is known, else nobody in particular.</summary>
public sealed class ClientIdentityTests
{
    [Theory]
    [InlineData("203.0.113.7", "ip:203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "ip:203.0.113.7")] // a dual-stack socket's IPv4 client is an IPv4 client
    [InlineData("2001:db8:1:2::1", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "ip:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "ip:2001:db8:1:3::/64")]
    public void ForAddress_IPv4AsItIsIPv6ByItsSlash64(string address, string expected) =>
        Assert.Equal(expected, ClientIdentity.ForAddress(IPAddress.Parse(address)).Value);

    [Fact]
    public void Identify_NoKeysAddressUnknown_Unidentified()
    {
        var identity = Resolver(keys: [], directlyExposed: false).Identify(Request("198.51.100.1", apiKey: null));

        Assert.Same(ClientIdentity.Unidentified, identity);
        Assert.False(identity.IsKnown);
    }

    [Fact]
    public void Identify_DirectlyExposed_TheAddress() =>
        Assert.Equal(ClientIdentity.ForAddress(IPAddress.Parse("198.51.100.1")), Resolver([], directlyExposed: true).Identify(Request("198.51.100.1", null)));

    [Fact]
    public void Identify_ValidKey_TheKeyNeverInTheClearAndTheSameForEveryAddress()
    {
        var resolver = Resolver(["fleet-a-secret"], directlyExposed: true);

        var first = resolver.Identify(Request("198.51.100.1", "fleet-a-secret"));
        var second = resolver.Identify(Request("198.51.100.2", "fleet-a-secret"));

        Assert.Equal(ClientKind.ApiKey, first.Kind);
        Assert.Equal(first, second);
        Assert.DoesNotContain("secret", first.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Identify_UnknownKey_NotAClientOfItsOwn() =>
        Assert.Equal(ClientKind.Address, Resolver(["fleet-a-secret"], directlyExposed: true).Identify(Request("198.51.100.1", "made-up")).Kind);

    private static ClientIdentityResolver Resolver(string[] keys, bool directlyExposed)
    {
        var auth = new AuthOptions();
        foreach (var key in keys)
        {
            auth.PlayerApiKeys.Add(key);
        }

        return new ClientIdentityResolver(new StaticMonitor<AuthOptions>(auth), Options.Create(new RateLimitOptions { DirectlyExposed = directlyExposed }));
    }

    private static DefaultHttpContext Request(string address, string? apiKey)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (apiKey is not null)
        {
            http.Request.Headers[AuthOptions.HeaderName] = apiKey;
        }

        return http;
    }

    private sealed class StaticMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
