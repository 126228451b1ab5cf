namespace MediaProxy.Core.Queue;

/// <summary>
/// The Lua scripts behind <see cref="RedisPlaybackStore"/>: each multi-step change is one script, with every key
/// passed in KEYS (one hash slot). StackExchange.Redis sends them by SHA (EVALSHA) once loaded.
/// Every script ends by refreshing TTLs; ARGV[1] is always the TTL in seconds.
/// </summary>
internal static partial class RedisScripts
{
    private const string Touch = """
        for i = 1, #KEYS do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
        """;

    /// <summary>
    /// KEYS: meta, queue, idempotency record, dead letters (their TTL follows the playback's).
    /// ARGV: ttl, idempotency TTL in ms (0: no Idempotency-Key), queue cap, cap before any sessionStart, refuse new
    /// playbacks ('1': the store is nearly full or the client's budget spent), now (epoch ms), queue even when live
    /// ('1' while the upstream is down: nothing is forwarded, the replay sends it once it is back), the TTL of a
    /// playback without a sessionStart (its events held), the most bytes held without one, then (kind, json) pairs
    /// with kind 's' sessionStart, 'e' sessionEnd, 'n' other. Returns {outcome, state, startNeeded, sid, previously
    /// accepted, created (1: the playback is new)};
    /// outcome is stored | forward | ended | endRepeated | duplicate | full | busy; a forward is counted in
    /// 'forwarded' at once (see Requeue, DeadLetter). After the sessionEnd, a post of nothing but sessionEnd is
    /// endRepeated. The forward-or-enqueue decision is taken here, atomically with the replayer's pops, so a new
    /// event never overtakes a queued one. A repeated Idempotency-Key is answered from its record before anything
    /// else (even after the post that ended the playback). Nothing is written before the cap check, so a refused
    /// post leaves no trace.
    /// </summary>
    public static readonly ShaScript Accept = """
        local meta, queue, idem, dead = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
        local m = redis.call('HMGET', meta, 'state', 'endAccepted', 'sid')
        local stored = m[1]
        local state = stored
        if not state then
          if ARGV[5] == '1' then return {'busy', 'awaitingSessionStart', 0, '', 0} end
          state = 'awaitingSessionStart'
        end
        local idemTtl = tonumber(ARGV[2])
        if idemTtl > 0 then
          local previous = redis.call('GET', idem)
          if previous then return {'duplicate', state, 0, '', previous} end
        end
        if state == 'ended' or m[2] then
          -- A repeated sessionEnd is acknowledged, not stored (Adobe drops the repeats); anything else is refused.
          for i = 10, #ARGV, 2 do
            if ARGV[i] ~= 'e' then return {'ended', state, 0, '', 0} end
          end
          return {'endRepeated', state, 0, '', 0}
        end
        -- A session id (replaying, live) means its sessionStart is stored; otherwise look (no copy of the body).
        local hasStart = state == 'replaying' or state == 'live' or redis.call('HEXISTS', meta, 'start') == 1
        local start = nil
        local bodies = {}
        local ending = false
        for i = 10, #ARGV, 2 do
          local kind, body = ARGV[i], ARGV[i + 1]
          if kind == 's' then
            if not hasStart and not start then start = body end
          else
            bodies[#bodies + 1] = body
            if kind == 'e' then ending = true end
          end
        end
        local queued = redis.call('LLEN', queue)
        local forward = #bodies > 0 and state == 'live' and queued == 0 and ARGV[7] ~= '1'
        local held = not hasStart and not start
        local heldBytes = 0
        if #bodies > 0 and not forward then
          local cap = tonumber(ARGV[3])
          if held then
            -- Events before any sessionStart: a small count and a few kilobytes, for a short while (ARGV[8]).
            cap = tonumber(ARGV[4])
            for i = 1, #bodies do heldBytes = heldBytes + #bodies[i] end
            local before = tonumber(redis.call('HGET', meta, 'heldBytes') or '0')
            if before + heldBytes > tonumber(ARGV[9]) then return {'full', state, 0, '', cap} end
          end
          if queued + #bodies > cap then return {'full', state, 0, '', cap} end
        end
        local startNeeded = 0
        if start then
          redis.call('HSET', meta, 'start', start, 'startAt', ARGV[6])
          startNeeded = 1
          if state == 'awaitingSessionStart' then state = 'starting' end
        end
        if ending then redis.call('HSET', meta, 'endAccepted', '1') end
        local outcome, sid = 'stored', ''
        if forward then
          outcome, sid = 'forward', m[3] or ''
          -- Counted as forwarded when handed to the caller to send: Requeue and DeadLetter take back what was not
          -- delivered. One script per directly forwarded post instead of a second one after the upstream's 204.
          redis.call('HINCRBY', meta, 'forwarded', #bodies)
        elseif #bodies > 0 then
          redis.call('RPUSH', queue, unpack(bodies))
          if heldBytes > 0 then redis.call('HINCRBY', meta, 'heldBytes', heldBytes) end
          -- A live playback told to queue (upstream down) has a replay to do now.
          if state == 'live' then state = 'replaying' end
        end
        if state ~= stored then redis.call('HSET', meta, 'state', state) end
        -- A forwarded post is remembered once delivered (RememberPostAsync), not here: after a crash mid-forward,
        -- its retry must deliver the events rather than be answered for events that never left.
        if idemTtl > 0 and not forward then redis.call('SET', idem, (#ARGV - 9) / 2, 'PX', idemTtl) end
        local ttl = ARGV[1]
        if held then ttl = ARGV[8] end
        redis.call('EXPIRE', meta, ttl)
        redis.call('EXPIRE', queue, ttl)
        redis.call('EXPIRE', dead, ttl)
        local created = 0
        if not stored then created = 1 end
        return {outcome, state, startNeeded, sid, 0, created}
        """;

    /// <summary>KEYS: meta, queue. Returns {flat meta hash, queue length} in one round trip.</summary>
    public static readonly ShaScript Get = """
        return {redis.call('HGETALL', KEYS[1]), redis.call('LLEN', KEYS[2])}
        """;
}
