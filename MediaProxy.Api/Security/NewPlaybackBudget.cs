using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Security;

/// <summary>
/// How many new playbacks each client may start (<see cref="ClientIdentity"/>): a token bucket per client address,
/// per API key, and one for the crowd the instance cannot tell apart. A post spends a token only when it did create
/// a playback, so posts to playbacks under way never touch it. Off with the rate limits.
/// </summary>
public sealed class NewPlaybackBudget : IDisposable
{
    private readonly PartitionedRateLimiter<ClientIdentity>? _buckets;

    public NewPlaybackBudget(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        if (o.Enabled)
        {
            _buckets = PartitionedRateLimiter.Create<ClientIdentity, string>(client => RateLimitPartition.GetTokenBucketLimiter(client.Value, _ => client.Kind switch
            {
                ClientKind.Address => Bucket(o.NewPlaybacksPerAddressPerMinute, o.NewPlaybacksPerAddressPerMinute, TimeSpan.FromMinutes(1)),
                ClientKind.ApiKey => Bucket(o.NewPlaybacksPerApiKeyPerSecond * 10, o.NewPlaybacksPerApiKeyPerSecond, TimeSpan.FromSeconds(1)),
                _ => Bucket(o.NewPlaybacksUnidentifiedPerSecond * 10, o.NewPlaybacksUnidentifiedPerSecond, TimeSpan.FromSeconds(1)),
            }));
        }
    }

    /// <summary>Whether the client may start a playback now (without spending).</summary>
    public bool HasRoom(ClientIdentity client) => _buckets?.GetStatistics(client) is not { } bucket || bucket.CurrentAvailablePermits > 0;

    /// <summary>The client started a playback.</summary>
    public void Spend(ClientIdentity client)
    {
        using var lease = _buckets?.AttemptAcquire(client);
    }

    public void Dispose() => _buckets?.Dispose();

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perPeriod, TimeSpan period) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perPeriod,
        ReplenishmentPeriod = period,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
