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
    int MemorySampleKeys)
{
    /// <summary>The proxy's default <c>MaxConcurrentPlaybacks</c>: how many playbacks it replays at once.</summary>
    public const int ReplayConcurrency = 64;

    public const int ProbePlaybacks = 64;

    public static Plan Full { get; } = new(false, 64, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), 256, 10_000,
        TimeSpan.FromSeconds(5), 1_000, 30, 200, TimeSpan.FromSeconds(10), 500);

    public static Plan QuickPlan { get; } = new(true, 16, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5), 64, 500,
        TimeSpan.FromSeconds(1), 64, 10, 100, TimeSpan.FromSeconds(1.5), 50);
}
