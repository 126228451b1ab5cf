using StackExchange.Redis;

namespace MediaProxy.Core.Queue;

/// <summary>
/// The Redis key layout, in one place. Every key of a playback carries the playback key as a hash tag, so all
/// of them live in one hash slot and every script below is valid on a Redis Cluster.
/// <code>
/// mp:{key}:meta  hash   state        awaitingSessionStart | starting | replaying | live | ended | failed
///                       start        the first sessionStart event (JSON), sent as the sessions call body
///                       sid          the upstream session id, once the sessions call answered 201
///                       resume       "1" while a lost session (404/410) is being re-created with media.resume
///                       endAccepted  "1" once a sessionComplete/sessionEnd was accepted: later posts get 409
///                       forwarded    events acknowledged upstream (204)
///                       dead         events moved to the dead letters
///                       lastError    the last upstream failure, for the status endpoint
/// mp:{key}:q     list   events not yet acknowledged upstream, oldest first (RPUSH to append, LPOP after 204)
/// mp:{key}:dead  list   dead-letter records (JSON: event, status, body, time) of events the upstream refused
/// </code>
/// Every script refreshes the TTL of the keys it touches (<see cref="Playbacks.PlaybackOptions.Ttl"/>), so a
/// playback disappears a TTL after its last activity.
/// </summary>
public static class RedisKeys
{
    public static RedisKey Meta(string playbackKey) => $"mp:{{{playbackKey}}}:meta";

    public static RedisKey Queue(string playbackKey) => $"mp:{{{playbackKey}}}:q";

    public static RedisKey DeadLetters(string playbackKey) => $"mp:{{{playbackKey}}}:dead";
}
