using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Security;

/// <summary>
/// How many new playbacks each client may start (<see cref="ClientIdentity"/>): a token bucket per client address,
/// per API key, and one for the crowd the instance cannot tell apart. A post reserves a token before the store sees
/// it and gives it back unless it did create a playback, so concurrent posts cannot all slip through on one token
/// and posts to playbacks under way cost nothing. Playbacks started without a sessionStart (held events, which
/// players do not send first) draw on a bucket of their own, a tenth the size, so a flood of stray keys cannot use up
/// the budget that real playbacks start from. Off with the rate limits.
/// </summary>
public sealed class NewPlaybackBudget : IDisposable
{
    /// <summary>The held-events bucket is this fraction of the client's new-playback bucket.</summary>
    private const int HeldShare = 10;

    private readonly ConcurrentDictionary<(string Client, bool Held), TokenBucket> _buckets = new();
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer? _sweep;

    public NewPlaybackBudget(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        // Full buckets are forgotten (a new one starts full too), so one per address seen does not pile up.
        _sweep = _options.Enabled ? time.CreateTimer(_ => Sweep(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) : null;
    }

    /// <summary>Takes a token for a playback this post may start; false: the client has none left now.</summary>
    public bool TryReserve(ClientIdentity client, bool held) =>
        !_options.Enabled || _buckets.GetOrAdd((client.Value, held), _ => NewBucket(client.Kind, held)).TryTake(_time.GetTimestamp());

    /// <summary>Gives back a reserved token: the post started no playback after all.</summary>
    public void Return(ClientIdentity client, bool held)
    {
        if (_options.Enabled && _buckets.TryGetValue((client.Value, held), out var bucket))
        {
            bucket.Return();
        }
    }

    public void Dispose() => _sweep?.Dispose();

    private TokenBucket NewBucket(ClientKind kind, bool held)
    {
        var (burst, perSecond) = kind switch
        {
            ClientKind.Address => (_options.NewPlaybacksPerAddressPerMinute, _options.NewPlaybacksPerAddressPerMinute / 60.0),
            ClientKind.ApiKey => (_options.NewPlaybacksPerApiKeyPerSecond * 10, _options.NewPlaybacksPerApiKeyPerSecond),
            _ => (_options.NewPlaybacksUnidentifiedPerSecond * 10, (double)_options.NewPlaybacksUnidentifiedPerSecond),
        };
        return held
            ? new TokenBucket(Math.Max(1, burst / HeldShare), perSecond / HeldShare, _time.GetTimestamp(), _time.TimestampFrequency)
            : new TokenBucket(burst, perSecond, _time.GetTimestamp(), _time.TimestampFrequency);
    }

    private void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsFull(now))
            {
                _buckets.TryRemove(key, out _);
            }
        }
    }
}
