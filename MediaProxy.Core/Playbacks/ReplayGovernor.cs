using MediaProxy.Core.Upstream;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// Posts come before replay. A replay sends events that were answered 202 long ago; a post is what a player waits
/// for. On a CPU-bound host a replay at full speed makes every post wait for CPU (the benchmark measured accept
/// p99 at 5× its idle value while 1,000 playbacks replayed), so the replay sends in flight are limited by what
/// they do to the posts' own latency, additive increase and multiplicative decrease as in TCP:
/// <list type="bullet">
/// <item>a post's accept (see <see cref="PostStarted"/>) slower, on average, than
/// <see cref="PlaybackOptions.ReplayYieldThreshold"/> × its idle time halves the limit;</item>
/// <item>posts as fast as idle raise it by one (at most every 10 ms), up to one send per worker loop;</item>
/// <item>a replay that begins while posts arrive begins at one send (slow start);</item>
/// <item>with no post for <see cref="IdleWindow"/>, there is nothing to protect and the limit is lifted;</item>
/// <item>held back with no idle sample for 10 s, the replay pauses (200 ms at most) until a post is accepted with
/// no send in flight, so the idle time follows a host or a Redis that got slower for everyone.</item>
/// </list>
/// The idle time comes from posts accepted while no replay send was in flight (the lowest short-term average of
/// the last 30 s, at least 0.5 ms). A replay bound by a far upstream's latency costs little CPU, posts stay fast,
/// and the limit stays at its maximum. Docs: <c>docs/design.md</c>, "Replay gives way to posts".
/// </summary>
public sealed partial class ReplayGovernor : IDisposable
{
    /// <summary>No post for this long: the limit is lifted.</summary>
    public static readonly TimeSpan IdleWindow = TimeSpan.FromMilliseconds(250);

    // No replay send for this long: the next one starts a new replay (see StartGentlyWhilePostsArrive).
    private static readonly TimeSpan ReplayIdleGap = TimeSpan.FromMilliseconds(100);

    // The limit grows by one at most this often: by the time a raise shows in the posts' latency, the next ones
    // would have gone in too (a burst of raises overshoots, and the halving after it is felt by posts).
    private static readonly TimeSpan RaiseInterval = TimeSpan.FromMilliseconds(10);

    // A post is never said to be slowed down while it stays within the threshold of this floor (sub-millisecond
    // noise is not a slowdown).
    private const double MinimumIdleMs = 0.5;

    // Posts within this factor of the idle time count as fast: the limit grows. Above 1 so that a limit held back
    // while posts were slow for another reason grows again once the idle time has caught up with them.
    private const double RaiseBelow = 1.1;

    // While the replay is held back, the idle time is measured again this often: all replay sends are paused until
    // a post is accepted with none in flight, or for ProbeDuration at most (like BBR's ProbeRTT). Without it, posts
    // slowed for another reason (a busier Redis) would keep the replay at one send for good.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeDuration = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly bool _enabled;
    private readonly double _threshold;
    private readonly int _max;
    private int _limit;
    // Sends and recordings started so far: a post that saw this change was not measured alone.
    private long _started;
    private readonly IdleLatency _idle = new();
    private double _recentMs;
    private long _probeUntil;
    private ITimer? _probeTimer;
    private long _lastPost;
    private long _lastSendEnded;
    private long _lastRaise;
    private long _lastProbe;

    public ReplayGovernor(IOptions<PlaybackOptions> options, IOptions<UpstreamOptions> upstream, TimeProvider timeProvider, IMeterFactory meterFactory)
    {
        var o = options.Value;
        (_time, _enabled, _threshold) = (timeProvider, o.ReplayYieldsToPosts, o.ReplayYieldThreshold);
        _max = _limit = upstream.Value.MaxConcurrentEventSends;
        _lastPost = timeProvider.GetTimestamp();
        meterFactory.Create(PlaybackMetrics.MeterName).CreateObservableGauge("mediaproxy.replay.send_limit", () => Limit, "{request}",
            "Replay sends allowed in flight at once: lowered while replaying slows the posts down.");
    }

    /// <summary>Replay sends allowed in flight now.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
            {
                return _limit;
            }
        }
    }

    /// <summary>Replay sends in flight now.</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _sends.InFlight;
            }
        }
    }

    /// <summary>Call as a post's accept begins; hand the answer to <see cref="PostAccepted"/>.</summary>
    public PostTiming PostStarted()
    {
        lock (_gate)
        {
            return new PostTiming(_time.GetTimestamp(), _started, ReplayIdle);
        }
    }

    /// <summary>A post's accept ended (its events stored or decided): one latency sample.</summary>
    public void PostAccepted(PostTiming post)
    {
        var now = _time.GetTimestamp();
        var ms = _time.GetElapsedTime(post.Started, now).TotalMilliseconds;
        lock (_gate)
        {
            _lastPost = now;
            if (post.ReplayIdle && ReplayIdle && _started == post.ReplayStarted)
            {
                // Nothing replayed during this post: it tells what a post costs here with replay out of the way.
                _idle.Add(ms, now, _time.TimestampFrequency, fresh: _probeUntil != 0);
                _recentMs = ms;
                EndProbe(now, measured: true);
                return;
            }

            EndProbe(now, measured: false);

            _recentMs = (_recentMs * 0.75) + (ms * 0.25);
            if (!_enabled)
            {
                return;
            }

            var idleMs = Math.Max(_idle.Milliseconds, MinimumIdleMs);
            if (_recentMs > _threshold * idleMs)
            {
                _limit = Math.Max(1, _limit / 2);
            }
            else if (_recentMs < RaiseBelow * idleMs && _limit < _max && _time.GetElapsedTime(_lastRaise, now) >= RaiseInterval)
            {
                _limit++;
                _lastRaise = now;
                WakeWaiters();
            }
        }
    }

    // A replay beginning while posts arrive starts at one send and earns more as posts stay fast (slow start):
    // hundreds of sessions calls returning at once must not take the CPU from posts before the first halving.
    private void StartGentlyWhilePostsArrive()
    {
        if (_enabled && ReplayIdle && _time.GetElapsedTime(_lastSendEnded) > ReplayIdleGap && _time.GetElapsedTime(_lastPost) <= IdleWindow)
        {
            _limit = 1;
            _recentMs = _idle.Milliseconds;
        }
    }

    // Sends allowed now: none while the idle time is being measured again.
    private int Allowed => _probeUntil != 0 ? 0 : _limit;

    private void StartProbeIfDue()
    {
        var now = _time.GetTimestamp();
        if (_enabled && _probeUntil == 0 && _limit < _max && _time.GetElapsedTime(_lastPost, now) <= IdleWindow
            && _time.GetElapsedTime(Math.Max(_idle.LastSample, _lastProbe), now) > ProbeInterval)
        {
            _probeUntil = now + (long)(ProbeDuration.TotalSeconds * _time.TimestampFrequency);
            _lastProbe = now;
            // Its end must not wait for a post or a send: every loop may be waiting, and posts may have stopped.
            _probeTimer ??= _time.CreateTimer(static self => ((ReplayGovernor)self!).ProbeTimeUp(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _probeTimer.Change(ProbeDuration, Timeout.InfiniteTimeSpan);
        }
    }

    private void ProbeTimeUp()
    {
        lock (_gate)
        {
            EndProbe(_time.GetTimestamp(), measured: false);
        }
    }

    public void Dispose() => _probeTimer?.Dispose();

    /// <summary>Ends a probe once a post was measured with nothing replaying, or when its time is up.</summary>
    private void EndProbe(long now, bool measured)
    {
        if (_probeUntil != 0 && (measured || now >= _probeUntil))
        {
            _probeUntil = 0;
            // The pause was the probe's, not the end of a replay: no slow start after it.
            _lastSendEnded = now;
            WakeWaiters();
        }
    }

    private void LiftIfNoPosts()
    {
        if (_limit < _max && _time.GetElapsedTime(_lastPost) > IdleWindow)
        {
            _limit = _max;
            _probeUntil = 0;
            WakeWaiters();
        }
    }

}

/// <summary>When a post began, and whether any replay send ran meanwhile (see <see cref="ReplayGovernor"/>).</summary>
public readonly record struct PostTiming(long Started, long ReplayStarted, bool ReplayIdle);
