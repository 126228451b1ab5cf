namespace MediaProxy.Core.Queue;

/// <summary>
/// The scripts of the delivery side: the session id arriving, each replayed event's outcome (pop or dead-letter),
/// direct forwards and their requeue, a lost session, errors and retries.
/// </summary>
internal static partial class RedisScripts
{
    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl, sid. Returns {new state, events queued (what the replay will send), the queue's
    /// head when replaying (false otherwise)}: the replay starts from it without another round trip.
    /// </summary>
    public static readonly ShaScript SessionCreated = """
        local meta, queue = KEYS[1], KEYS[2]
        local state = redis.call('HGET', meta, 'state')
        local queued = redis.call('LLEN', queue)
        if state ~= 'starting' then return {state or '', queued, false} end
        local head = false
        if queued == 0 then state = 'live' else state = 'replaying'; head = redis.call('LINDEX', queue, 0) end
        redis.call('HSET', meta, 'sid', ARGV[2], 'state', state)
        redis.call('HDEL', meta, 'resume', 'lastError', 'failures', 'timedOut')
        
        """ + Touch + """

        return {state, queued, head}
        """;

    /// <summary>
    /// KEYS: meta, queue, dead. ARGV: ttl, expected head, isEnd ('1'/'0'), dead-letter record ('' = delivered).
    /// Pops the head only if it is still the event the caller sent; returns nil, or {new state, new head}: the next
    /// event to replay comes back with the pop (false unless still replaying), one round trip per replayed event.
    /// </summary>
    public static readonly ShaScript CompleteHead = """
        local meta, queue, dead = KEYS[1], KEYS[2], KEYS[3]
        if redis.call('LINDEX', queue, 0) ~= ARGV[2] then return false end
        redis.call('LPOP', queue)
        local m = redis.call('HMGET', meta, 'state', 'failures')
        if m[2] then redis.call('HDEL', meta, 'failures') end
        local stored = m[1] or 'replaying'
        local state = stored
        if ARGV[4] == '' then
          redis.call('HINCRBY', meta, 'forwarded', 1)
          if ARGV[3] == '1' then state = 'ended' end
        else
          redis.call('RPUSH', dead, ARGV[4])
          redis.call('HINCRBY', meta, 'dead', 1)
        end
        local head = false
        if state == 'replaying' then
          head = redis.call('LINDEX', queue, 0)
          if not head then state = 'live' end
        end
        if state ~= m[1] then redis.call('HSET', meta, 'state', state) end
        
        """ + Touch + """

        return {state, head}
        """;

    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl. A directly forwarded sessionEnd was acknowledged: the playback
    /// is ended (its events were counted by Accept). Returns the new state. Never resurrects an expired playback.
    /// </summary>
    public static readonly ShaScript EndForwarded = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return '' end
        redis.call('HSET', meta, 'state', 'ended')
        
        """ + Touch + """

        return 'ended'
        """;

    /// <summary>
    /// KEYS: meta, queue, dead. ARGV: ttl, dead-letter record. A directly forwarded event the upstream refused:
    /// counted as dead instead of forwarded (Accept counted it forwarded when it decided to forward).
    /// </summary>
    public static readonly ShaScript DeadLetter = """
        local meta, dead = KEYS[1], KEYS[3]
        if redis.call('EXISTS', meta) == 0 then return 0 end
        redis.call('RPUSH', dead, ARGV[2])
        redis.call('HINCRBY', meta, 'dead', 1)
        redis.call('HINCRBY', meta, 'forwarded', -1)
        
        """ + Touch + """

        return 1
        """;

    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl, error, events... Direct forwarding failed: the events go to the tail of the
    /// queue, and Accept's count of them as forwarded is taken back. Returns the new state.
    /// </summary>
    public static readonly ShaScript Requeue = """
        local meta, queue = KEYS[1], KEYS[2]
        redis.call('RPUSH', queue, unpack(ARGV, 3))
        redis.call('HINCRBY', meta, 'forwarded', 2 - #ARGV)
        local state = redis.call('HGET', meta, 'state') or 'replaying'
        if state == 'live' then state = 'replaying' end
        redis.call('HSET', meta, 'state', state, 'lastError', ARGV[2])
        
        """ + Touch + """

        return state
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, error. The next sessions call carries media.resume. Never resurrects an expired playback.</summary>
    public static readonly ShaScript SessionLost = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return '' end
        redis.call('HDEL', meta, 'sid')
        redis.call('HSET', meta, 'state', 'starting', 'resume', '1', 'lastError', ARGV[2])
        
        """ + Touch + """

        return 'starting'
        """;

    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl, error, kind: 'fail' (the playback is failed for good), 'retry' (a call failed
    /// and will be tried again) or 'timeout' (a sessions call timed out: its retry waits longer). Returns the
    /// playback's failures in a row (reset by its next success), 0 for an unknown playback, which is never resurrected.
    /// </summary>
    public static readonly ShaScript RecordError = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return 0 end
        redis.call('HSET', meta, 'lastError', ARGV[2])
        if ARGV[3] == 'fail' then redis.call('HSET', meta, 'state', 'failed') end
        if ARGV[3] == 'timeout' then redis.call('HSET', meta, 'timedOut', '1') end
        local failures = redis.call('HINCRBY', meta, 'failures', 1)
        
        """ + Touch + """

        return failures
        """;

    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl. A failed playback goes back to work: starting without a session id,
    /// else replaying (or live with an empty queue). Returns {retried (0/1), state}.
    /// </summary>
    public static readonly ShaScript Retry = """
        local meta, queue = KEYS[1], KEYS[2]
        local state = redis.call('HGET', meta, 'state')
        if state ~= 'failed' then return {0, state or ''} end
        if redis.call('HEXISTS', meta, 'sid') == 0 then
          state = 'starting'
        elseif redis.call('LLEN', queue) == 0 then
          state = 'live'
        else
          state = 'replaying'
        end
        redis.call('HSET', meta, 'state', state)
        redis.call('HDEL', meta, 'lastError', 'failures')
        
        """ + Touch + """

        return {1, state}
        """;
}
