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
    /// The proxy's default <c>MaxConcurrentPlaybacks</c>: the connections of the upstream capacity run, and how many
    /// held sessions calls a replay round waits for before releasing them.
    /// </summary>
    public const int ReplayConcurrency = 64;

    public const int ProbePlaybacks = 64;

    // ServerWarmup: load on each server before its first measured run. Tiered JIT needs many seconds on a busy
    // 2-core machine to reach its optimised code: without it the first proxy run measured 2-3× the CPU per post.
    // Repeats: each compared pair runs this many times, alternating (A, B, A, B, …), and the best of each counts,
    // so a burst of other work on the machine hurts one repetition rather than one side of a ratio.

    public static Plan Full { get; } = new(false, 64, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6), 256, 10_000,
        TimeSpan.FromSeconds(5), 1_000, 30, 200, TimeSpan.FromSeconds(10), 500, 3, TimeSpan.FromSeconds(12));

    public static Plan QuickPlan { get; } = new(true, 16, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), 64, 500,
        TimeSpan.FromSeconds(1), 64, 10, 100, TimeSpan.FromSeconds(1.5), 50, 1, TimeSpan.FromSeconds(0.5));
}
