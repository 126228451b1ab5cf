namespace MediaProxy.Core.Queue;

/// <summary>
/// The Lua scripts behind <see cref="RedisPlaybackStore"/>: each multi-step change is one script, with every key
/// passed in KEYS (one hash slot). StackExchange.Redis sends them by SHA (EVALSHA) once loaded.
/// Every script ends by refreshing TTLs; ARGV[1] is always the TTL in seconds.
/// </summary>
internal static class RedisScripts
{
    private const string Touch = """
        for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
        """;

    /// <summary>
    /// KEYS: meta, queue, idempotency record, dead letters (their TTL follows the playback's).
    /// ARGV: ttl, idempotency TTL in ms (0: no Idempotency-Key), queue cap, cap before any sessionStart, refuse new
    /// playbacks ('1' when the store is nearly full), then (kind, json) pairs with kind 's' sessionStart, 'e' end,
    /// 'n' other. Returns {outcome, state, startNeeded, sid, previously accepted}; outcome is stored | forward |
    /// ended | duplicate | full | busy. The forward-or-enqueue decision is taken here, atomically with the replayer's pops, so a
    /// new event never overtakes a queued one. A repeated Idempotency-Key is answered from its record before
    /// anything else (even after the post that ended the playback). Nothing is written before the cap check, so
    /// a refused post leaves no trace.
    /// </summary>
    public const string Accept = """
        local meta, queue, idem, dead = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local state = redis.call('HGET', meta, 'state')
        if not state then
          if ARGV[5] == '1' then return {'busy', 'awaitingSessionStart', 0, '', 0} end
          state = 'awaitingSessionStart'
        end
        local idemTtl = tonumber(ARGV[2])
        if idemTtl > 0 then
          local previous = redis.call('GET', idem)
          if previous then return {'duplicate', state, 0, '', previous} end
        end
        if state == 'ended' or redis.call('HEXISTS', meta, 'endAccepted') == 1 then
          return {'ended', state, 0, '', 0}
        end
        local hasStart = redis.call('HEXISTS', meta, 'start') == 1
        local start = nil
        local bodies = {}
        local ending = false
        for i = 6, #ARGV, 2 do
          local kind, body = ARGV[i], ARGV[i + 1]
          if kind == 's' then
            if not hasStart and not start then start = body end
          else
            bodies[#bodies + 1] = body
            if kind == 'e' then ending = true end
          end
        end
        local queued = redis.call('LLEN', queue)
        local forward = #bodies > 0 and state == 'live' and queued == 0
        if #bodies > 0 and not forward then
          local cap = tonumber(ARGV[3])
          if not hasStart and not start then cap = tonumber(ARGV[4]) end
          if queued + #bodies > cap then return {'full', state, 0, '', cap} end
        end
        local startNeeded = 0
        if start then
          redis.call('HSET', meta, 'start', start)
          startNeeded = 1
          if state == 'awaitingSessionStart' then state = 'starting' end
        end
        if ending then redis.call('HSET', meta, 'endAccepted', '1') end
        local outcome = 'stored'
        if forward then
          outcome = 'forward'
        elseif #bodies > 0 then
          redis.call('RPUSH', queue, unpack(bodies))
        end
        redis.call('HSET', meta, 'state', state)
        if idemTtl > 0 then redis.call('SET', idem, (#ARGV - 5) / 2, 'PX', idemTtl) end
        redis.call('EXPIRE', meta, ARGV[1])
        redis.call('EXPIRE', queue, ARGV[1])
        redis.call('EXPIRE', dead, ARGV[1])
        local sid = ''
        if forward then sid = redis.call('HGET', meta, 'sid') or '' end
        return {outcome, state, startNeeded, sid, 0}
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, sid. Returns the new state.</summary>
    public const string SessionCreated = """
        local meta, queue = KEYS[1], KEYS[2]
        local state = redis.call('HGET', meta, 'state')
        if state ~= 'starting' then return state or '' end
        if redis.call('LLEN', queue) == 0 then state = 'live' else state = 'replaying' end
        redis.call('HSET', meta, 'sid', ARGV[2], 'state', state)
        redis.call('HDEL', meta, 'resume', 'lastError')
        
        """ + Touch + """

        return state
        """;

    /// <summary>
    /// KEYS: meta, queue, dead. ARGV: ttl, expected head, isEnd ('1'/'0'), dead-letter record ('' = delivered).
    /// Pops the head only if it is still the event the caller sent; returns the new state, or nil.
    /// </summary>
    public const string CompleteHead = """
        local meta, queue, dead = KEYS[1], KEYS[2], KEYS[3]
        if redis.call('LINDEX', queue, 0) ~= ARGV[2] then return false end
        redis.call('LPOP', queue)
        redis.call('HDEL', meta, 'headAttempts')
        local state = redis.call('HGET', meta, 'state') or 'replaying'
        if ARGV[4] == '' then
          redis.call('HINCRBY', meta, 'forwarded', 1)
          if ARGV[3] == '1' then state = 'ended' end
        else
          redis.call('RPUSH', dead, ARGV[4])
          redis.call('HINCRBY', meta, 'dead', 1)
        end
        if state == 'replaying' and redis.call('LLEN', queue) == 0 then state = 'live' end
        redis.call('HSET', meta, 'state', state)
        
        """ + Touch + """

        return state
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, count, ended ('1'/'0'). Returns the new state. Never resurrects an expired playback.</summary>
    public const string Forwarded = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return '' end
        redis.call('HINCRBY', meta, 'forwarded', ARGV[2])
        if ARGV[3] == '1' then redis.call('HSET', meta, 'state', 'ended') end
        
        """ + Touch + """

        return redis.call('HGET', meta, 'state') or ''
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, error, events... Returns the new state.</summary>
    public const string Requeue = """
        local meta, queue = KEYS[1], KEYS[2]
        redis.call('RPUSH', queue, unpack(ARGV, 3))
        local state = redis.call('HGET', meta, 'state') or 'replaying'
        if state == 'live' then state = 'replaying' end
        redis.call('HSET', meta, 'state', state, 'lastError', ARGV[2])
        
        """ + Touch + """

        return state
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, error. The next sessions call carries media.resume. Never resurrects an expired playback.</summary>
    public const string SessionLost = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return '' end
        redis.call('HDEL', meta, 'sid')
        redis.call('HSET', meta, 'state', 'starting', 'resume', '1', 'lastError', ARGV[2])
        
        """ + Touch + """

        return 'starting'
        """;

    /// <summary>KEYS: meta, queue. ARGV: ttl, error, fail ('1'/'0'). Never resurrects an expired playback.</summary>
    public const string RecordError = """
        local meta = KEYS[1]
        if redis.call('EXISTS', meta) == 0 then return 0 end
        redis.call('HSET', meta, 'lastError', ARGV[2])
        if ARGV[3] == '1' then redis.call('HSET', meta, 'state', 'failed') end
        
        """ + Touch + """

        return 1
        """;

    /// <summary>
    /// KEYS: meta, queue, dead. ARGV: ttl, expected head, max attempts, reason, dead-letter record.
    /// Counts a failed delivery of the head; at the give-up point moves it to the dead letters.
    /// Returns {dead-lettered (0/1), state}, or nil when the head is no longer the expected event.
    /// </summary>
    public const string HeadFailed = """
        local meta, queue, dead = KEYS[1], KEYS[2], KEYS[3]
        if redis.call('LINDEX', queue, 0) ~= ARGV[2] then return false end
        local attempts = redis.call('HINCRBY', meta, 'headAttempts', 1)
        redis.call('HSET', meta, 'lastError', ARGV[4])
        local state = redis.call('HGET', meta, 'state') or 'replaying'
        local deadLettered = 0
        if attempts >= tonumber(ARGV[3]) then
          redis.call('LPOP', queue)
          redis.call('HDEL', meta, 'headAttempts')
          redis.call('RPUSH', dead, ARGV[5])
          redis.call('HINCRBY', meta, 'dead', 1)
          deadLettered = 1
          if state == 'replaying' and redis.call('LLEN', queue) == 0 then state = 'live' end
          redis.call('HSET', meta, 'state', state)
        end
        
        """ + Touch + """

        return {deadLettered, state}
        """;

    /// <summary>
    /// KEYS: meta, queue. ARGV: ttl. A failed playback goes back to work: starting without a session id,
    /// else replaying (or live with an empty queue). Returns {retried (0/1), state}.
    /// </summary>
    public const string Retry = """
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
        redis.call('HDEL', meta, 'lastError', 'headAttempts')
        
        """ + Touch + """

        return {1, state}
        """;

    /// <summary>KEYS: meta, queue. Returns {flat meta hash, queue length} in one round trip.</summary>
    public const string Get = """
        return {redis.call('HGETALL', KEYS[1]), redis.call('LLEN', KEYS[2])}
        """;
}
