namespace MediaProxy.Bench.Run;

/// <summary>How big and how long each phase is. Quick mode only proves the harness works end to end.</summary>
internal sealed record Plan(
    bool Quick,
    int Connections,
    TimeSpan Warmup,
    TimeSpan Duration,
    int LivePlaybacks,
    int QueuedPlaybacks,
    TimeSpan IdleWindow,
    int ReplayPlaybacks,
    int ReplayEventsPerPlayback,
    double ProbeRate,
    TimeSpan ProbeDuration,
    int MemorySampleKeys,
    int Repeats,
    TimeSpan ServerWarmup)
{
    /// <summary>
    /// Connections of the fake upstream's capacity run (the replay's baseline): as many as the load generator's, so
    /// the fake upstream is measured CPU-bound, as the proxy's replay drives it. The proxy sends up to
    /// <c>Upstream:MaxConcurrentEventSends</c> (1,024 by default, adaptive) events at once, one per replaying playback.
    /// </summary>
    public const int UpstreamConnections = 64;

    public const int ProbePlaybacks = 64;

    // ServerWarmup: load on each server before its first measured run. Tiered JIT needs many seconds on a busy
    // 2-core machine to reach its optimised code: without it the first proxy run measured 2-3× the CPU per post.
    // Repeats: each compared pair runs this many times, alternating (A, B, A, B, …), and the best of each counts,
    // so a burst of other work on the machine hurts one repetition rather than one side of a ratio.

    /// <summary>The outage phase's sizes.</summary>
    public OutagePlan Outage { get; init; } = OutagePlan.Full;

    public static Plan Full { get; } = new(false, 64, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6), 256, 10_000,
        TimeSpan.FromSeconds(5), 1_000, 30, 200, TimeSpan.FromSeconds(10), 500, 3, TimeSpan.FromSeconds(12));

    public static Plan QuickPlan { get; } = new(true, 16, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), 64, 500,
        TimeSpan.FromSeconds(1), 64, 10, 100, TimeSpan.FromSeconds(1.5), 50, 1, TimeSpan.FromSeconds(0.5)) { Outage = OutagePlan.Quick };
}

/// <summary>
/// The outage phase (issue 14): a flash crowd on a slow sessions call, an upstream that caps concurrent sessions
/// calls, and playbacks waiting through 503s, then a hang, then recovery.
/// </summary>
internal sealed record OutagePlan(
    int FlashPlaybacks,
    int CappedPlaybacks,
    int SessionCapacity,
    int WaitingPlaybacks,
    TimeSpan Failing,
    TimeSpan Hanging,
    TimeSpan LiveRun)
{
    /// <summary>The sessions call's latency in the flash crowd and the capped run.</summary>
    public static readonly TimeSpan SessionLatency = TimeSpan.FromSeconds(2);

    /// <summary>Events after each waiting playback's sessionStart (one post: sessionStart + these).</summary>
    public const int EventsPerWaitingPlayback = 9;

    /// <summary>The proxy's default <c>Upstream:ProbeInterval</c>: one upstream call per interval at most while down.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    public static OutagePlan Full { get; } = new(10_000, 10_000, 500, 10_000, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(6));

    public static OutagePlan Quick { get; } = new(500, 500, 50, 500, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1.5));
}
