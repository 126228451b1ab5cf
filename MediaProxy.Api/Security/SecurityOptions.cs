using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Api.Security;

/// <summary>API keys. Bound from <c>MediaProxy:Auth</c>. Empty lists leave the endpoints open (the demo mode).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "MediaProxy:Auth";

    public const string HeaderName = "X-Api-Key";

    /// <summary>Keys accepted on the player API (several, so they can be rotated through configuration).</summary>
    public IList<string> PlayerApiKeys { get; } = [];

    /// <summary>Keys for dead letters, retry and the simulator; player keys do not open these.</summary>
    public IList<string> AdminApiKeys { get; } = [];
}

/// <summary>Browsers allowed to call the player API. Bound from <c>MediaProxy:Cors</c>; none by default.</summary>
public sealed class CorsOptions
{
    public const string SectionName = "MediaProxy:Cors";

    public const string PolicyName = "players";

    /// <summary>Origins such as <c>https://player.example.com</c>; <c>*</c> allows any (not recommended).</summary>
    public IList<string> AllowedOrigins { get; } = [];
}

/// <summary>
/// Token buckets on the player API. Bound from <c>MediaProxy:RateLimits</c>. Per playback always; per address only
/// where the client's address is known (<see cref="TrustedProxies"/> or <see cref="DirectlyExposed"/>); per API key
/// when player keys are on. See docs/design.md, "Rate limits: who is a client".
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "MediaProxy:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Players reach this instance directly (no ingress or load balancer in front), so a connection's address is
    /// its client's. Off by default: behind an ingress every player would share the ingress's address and bucket.
    /// </summary>
    public bool DirectlyExposed { get; set; }

    /// <summary>Burst per client address (an IPv6 /64), where the address is known: a household or a NAT.</summary>
    [Range(1, 1_000_000)]
    public int PerAddressBurst { get; set; } = 200;

    /// <summary>Sustained requests per second per client address, where the address is known.</summary>
    [Range(1, 1_000_000)]
    public int PerAddressPerSecond { get; set; } = 100;

    /// <summary>Burst per player API key: usually a whole fleet of players shares one key, so this is sized for a fleet.</summary>
    [Range(1, 1_000_000)]
    public int PerApiKeyBurst { get; set; } = 10_000;

    /// <summary>Sustained requests per second per player API key, on this instance.</summary>
    [Range(1, 1_000_000)]
    public int PerApiKeyPerSecond { get; set; } = 5_000;

    /// <summary>Burst per playback key (one player batches events: a handful of posts a second at most).</summary>
    [Range(1, 1_000_000)]
    public int PerPlaybackBurst { get; set; } = 60;

    /// <summary>Sustained requests per second per playback key.</summary>
    [Range(1, 1_000_000)]
    public int PerPlaybackPerSecond { get; set; } = 20;

    /// <summary>
    /// Reverse proxies (addresses, or networks such as <c>10.0.0.0/8</c>) whose X-Forwarded-For gives the client's
    /// address. Empty: the header is ignored (anyone could forge it).
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];

    /// <summary>New playbacks a client address may start per minute (a household: a few players, a few restarts).</summary>
    [Range(1, 1_000_000)]
    public int NewPlaybacksPerAddressPerMinute { get; set; } = 120;

    /// <summary>New playbacks per second per player API key, on this instance (usually a whole fleet shares one); bursts of ten seconds' worth.</summary>
    [Range(1, 1_000_000)]
    public int NewPlaybacksPerApiKeyPerSecond { get; set; } = 1_000;

    /// <summary>
    /// New playbacks per second, on this instance, from players it cannot tell apart (no keys, no known address):
    /// one budget for that whole crowd, so a flood of fresh keys is bounded; bursts of ten seconds' worth.
    /// </summary>
    [Range(1, 1_000_000)]
    public int NewPlaybacksUnidentifiedPerSecond { get; set; } = 500;
}
