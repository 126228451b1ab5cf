using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Security;

/// <summary>
/// Tells a request's <see cref="ClientIdentity"/>, once per request (kept in <see cref="HttpContext.Items"/>), for
/// the rate limits and any other per-client budget. The address counts only where it is the client's: behind
/// trusted proxies (after X-Forwarded-For) or with <see cref="RateLimitOptions.DirectlyExposed"/>; otherwise it is
/// the ingress's, shared by every player.
/// </summary>
public sealed class ClientIdentityResolver(IOptionsMonitor<AuthOptions> auth, IOptions<RateLimitOptions> limits)
{
    private static readonly object ItemKey = new();
    private readonly bool _addressKnown = limits.Value.TrustedProxies.Count > 0 || limits.Value.DirectlyExposed;
    private KeyDigests? _digests;

    /// <summary>Whether a request's address is its client's (trusted proxies are configured, or the instance is directly exposed).</summary>
    public bool AddressKnown => _addressKnown;

    /// <summary>The API key when player keys are on and a valid one was sent; else the address where known; else unidentified.</summary>
    public ClientIdentity Identify(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is ClientIdentity known)
        {
            return known;
        }

        var identity = ApiKeyOf(http) ?? (KnownAddress(http) is { } address ? ClientIdentity.ForAddress(address) : ClientIdentity.Unidentified);
        http.Items[ItemKey] = identity;
        return identity;
    }

    /// <summary>The client's address where it is known (see the class remarks), else null.</summary>
    public IPAddress? KnownAddress(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return _addressKnown ? http.Connection.RemoteIpAddress : null;
    }

    private ClientIdentity? ApiKeyOf(HttpContext http)
    {
        var options = auth.CurrentValue;
        var presented = http.Request.Headers[AuthOptions.HeaderName];
        if (options.PlayerApiKeys.Count == 0 || presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return null;
        }

        var digests = _digests is { } current && ReferenceEquals(current.Options, options) ? current : _digests = new KeyDigests(options);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented[0]!));
        var found = false;
        foreach (var configured in digests.Player)
        {
            found |= CryptographicOperations.FixedTimeEquals(configured, digest); // every key, every time, as ApiKeyFilter
        }

        // Only a configured key names a client: made-up keys (answered 401 anyway) must not each get a budget.
        return found ? ClientIdentity.ForApiKey(Convert.ToHexStringLower(digest.AsSpan(0, 6))) : null;
    }

    /// <summary>SHA-256 of each configured player key, for one version of the options.</summary>
    private sealed class KeyDigests(AuthOptions options)
    {
        public AuthOptions Options { get; } = options;

        public byte[][] Player { get; } = [.. options.PlayerApiKeys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
    }
}
