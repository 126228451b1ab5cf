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

/// <summary>Token buckets per client IP and per playback key. Bound from <c>MediaProxy:RateLimits</c>.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "MediaProxy:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Burst per client IP (a household or a NAT may hold several players).</summary>
    [Range(1, 1_000_000)]
    public int PerClientBurst { get; set; } = 200;

    /// <summary>Sustained requests per second per client IP.</summary>
    [Range(1, 1_000_000)]
    public int PerClientPerSecond { get; set; } = 100;

    /// <summary>Burst per playback key (one player batches events: a handful of posts a second at most).</summary>
    [Range(1, 1_000_000)]
    public int PerPlaybackBurst { get; set; } = 60;

    /// <summary>Sustained requests per second per playback key.</summary>
    [Range(1, 1_000_000)]
    public int PerPlaybackPerSecond { get; set; } = 20;

    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For is trusted for the client IP. Empty: the header is
    /// ignored (anyone could forge it).
    /// </summary>
    public IList<string> TrustedProxies { get; } = [];
}
