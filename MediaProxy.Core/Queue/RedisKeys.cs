using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// The Redis key layout, in one place. Every key of a playback carries the playback key as a hash tag, so all
/// of them live in one hash slot and every script below is valid on a Redis Cluster.
/// <code>
/// mp:{key}:meta  hash   state        awaitingSessionStart | starting | replaying | live | ended | failed
///                       start        the first sessionStart event (packed JSON, see CompactJson), the sessions
///                                    call body
///                       startAt      when it was accepted (epoch ms): the age limit of the sessions call
///                       sid          the upstream session id, once the sessions call answered 201
///                       resume       "1" while a lost session (404/410) is being re-created with media.resume
///                       endAccepted  "1" once a sessionEnd was accepted: later posts get 409, a repeated
///                                    sessionEnd is acknowledged (not stored); sessionComplete ends nothing
///                       forwarded    events acknowledged upstream (204); a direct forward counts from the
///                                    Accept that decided it, and Requeue/DeadLetter take back what failed
///                       dead         events moved to the dead letters
///                       lastError    the last upstream failure, for the status endpoint
///                       failures     failed upstream calls in a row (the backoff's exponent); gone on success
///                       timedOut     "1" when its last sessions call timed out (the next one waits longer)
/// mp:{key}:q     list   events not yet acknowledged upstream, oldest first (RPUSH to append, LPOP after 204),
///                       each "acceptedAtMs|packed json" (see QueuedEvent, CompactJson)
/// mp:{key}:dead  list   dead-letter records (JSON: event, status, body, time) of events the upstream refused
/// mp:{key}:lease string the token of the instance working the playback (SET NX PX; renewed while working)
/// mp:{key}:idem:{hash}  string  the answer to a post with that Idempotency-Key (10 minutes); for a post forwarded
///                       directly, written once it was delivered (or queued), not by the Accept that decided it
/// mp:{pending-NN}:idx   zset  playbacks with pending work, score = when it is due (epoch ms); NN = 00..15, a
///                       hash of the playback key, so the index spreads over a cluster without KEYS or SCAN. Parked
///                       playbacks (upstream down) are here too, due since they were parked: oldest resume first
/// mp:{failed-NN}:idx    zset  playbacks failed for good (the upstream refused their sessionStart, or too old),
///                       score = when; listed and retried by the admin API
/// mp:{schemas}:{hash}   hash  the event schemas last fetched from one upstream (hash: of its base URL), field =
///                       event type, value "fetchedAtMs|schema JSON"; TTL MediaProxy:Schemas:CacheTtl, renewed on
///                       every refresh (IMediaSchemaCache)
/// </code>
/// Every script refreshes the TTL of the keys it touches (<see cref="Playbacks.PlaybackOptions.Ttl"/>), so a
/// playback disappears a TTL after its last activity.
/// </summary>
public static class RedisKeys
{
    public static RedisKey Meta(string playbackKey) => $"mp:{{{playbackKey}}}:meta";

    public static RedisKey Queue(string playbackKey) => $"mp:{{{playbackKey}}}:q";

    public static RedisKey DeadLetters(string playbackKey) => $"mp:{{{playbackKey}}}:dead";

    public static RedisKey Lease(string playbackKey) => $"mp:{{{playbackKey}}}:lease";

    public static RedisKey Idempotency(string playbackKey, string keyHash) => $"mp:{{{playbackKey}}}:idem:{keyHash}";

    /// <summary>Shards of the pending index: enough to spread over a small cluster, few enough to poll.</summary>
    public const int PendingShards = 16;

    public static RedisKey PendingIndex(int shard) => $"mp:{{pending-{shard:D2}}}:idx";

    public static RedisKey FailedIndex(int shard) => $"mp:{{failed-{shard:D2}}}:idx";

    /// <summary>The schemas cached for the upstream at <paramref name="upstream"/> (its base URL, or "simulator").</summary>
    public static RedisKey Schemas(string upstream) =>
        $"mp:{{schemas}}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(upstream)))[..16]}";
}
