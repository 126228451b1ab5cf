using System.Threading.RateLimiting;
using MediaProxy.Core.Playbacks;

namespace MediaProxy.Api.Security;

/// <summary>
/// Token buckets for the player API and its drop-in twin, chained (a request needs a token from each that applies):
/// per client address only where the address is the client's, per API key when player keys are on, per playback
/// always. Behind an ingress with no keys, players cannot be told apart, so no bucket is shared by all of them.
/// </summary>
internal static class PlayerLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options, ClientIdentityResolver clients) =>
        PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsPlayerApi(http) && clients.KnownAddress(http) is { } address
                ? RateLimitPartition.GetTokenBucketLimiter(ClientIdentity.ForAddress(address).Value,
                    _ => Bucket(options.PerAddressBurst, options.PerAddressPerSecond))
                : RateLimitPartition.GetNoLimiter(string.Empty)),
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsPlayerApi(http) && clients.Identify(http) is { Kind: ClientKind.ApiKey } client
                ? RateLimitPartition.GetTokenBucketLimiter(client.Value, _ => Bucket(options.PerApiKeyBurst, options.PerApiKeyPerSecond))
                : RateLimitPartition.GetNoLimiter(string.Empty)),
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsPlayerApi(http) && PlaybackKeyOf(http) is { } key
                ? RateLimitPartition.GetTokenBucketLimiter("playback:" + key, _ => Bucket(options.PerPlaybackBurst, options.PerPlaybackPerSecond))
                : RateLimitPartition.GetNoLimiter(string.Empty)));

    private static string? PlaybackKeyOf(HttpContext http) =>
        (http.Request.RouteValues["playbackKey"] ?? http.Request.RouteValues["sessionId"]) is string key && PlaybackKey.IsValid(key) ? key : null;

    private static bool IsPlayerApi(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/v1/playbacks", StringComparison.Ordinal)
        || http.Request.Path.StartsWithSegments("/api/v1/sessions", StringComparison.Ordinal);

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
