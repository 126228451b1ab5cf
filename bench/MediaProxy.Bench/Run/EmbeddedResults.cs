namespace MediaProxy.Bench.Run;

/// <summary>
/// The embedded phase (issue 15): the proxy on its in-process Garnet store, each mode on a freshly started proxy,
/// against the same proxy on redis-server measured in the same run.
/// </summary>
internal sealed class EmbeddedResults
{
    /// <summary>Queued accepts of the proxy on redis-server: the queued phase's run, or one of this phase's own.</summary>
    public Measured? OnRedis { get; set; }

    /// <summary>Whether <see cref="OnRedis"/> is the queued phase's (false: the phase ran alone and measured it).</summary>
    public bool OnRedisFromQueuedPhase { get; set; }

    /// <summary>The proxy on redis-server, started as the embedded ones are.</summary>
    public StartUp? OnRedisStartUp { get; set; }

    /// <summary>VmRSS of the proxy on redis-server with the same playbacks queued (the queued phase's, or this phase's reference).</summary>
    public long OnRedisRssQueuedBytes { get; set; }

    public List<EmbeddedRun> Runs { get; } = [];
}

/// <summary>One embedded mode: how fast it started, its RSS with the playbacks queued, its queued accepts.</summary>
internal sealed class EmbeddedRun(string mode, bool durable)
{
    /// <summary>"in memory" or "durable".</summary>
    public string Mode { get; } = mode;

    /// <summary>With a data directory (AOF, checkpoints): what the README's run and the container use.</summary>
    public bool Durable { get; } = durable;

    public StartUp? StartUp { get; set; }

    public long RssFreshBytes { get; set; }
    public int Playbacks { get; set; }

    /// <summary>Posts of the fill not answered 202 (each one a playback missing from the RSS figure).</summary>
    public long Refused { get; set; }

    public double FillPostsPerSecond { get; set; }
    public long RssQueuedBytes { get; set; }
    public long HeldSessionCalls { get; set; }

    /// <summary>The GC heap after the last collection, and the memory the GC had committed, beside <see cref="RssQueuedBytes"/>.</summary>
    public long GcHeapBytes { get; set; }

    public long GcCommittedBytes { get; set; }
    public Measured? Queued { get; set; }
    public long RssAfterLoadBytes { get; set; }
}

/// <summary>
/// Seconds from starting the process to the first 200 from <c>/health/ready</c> and to the first 202 to a post
/// (sessionStart + 1 event), and the CPU seconds the process had used by then: on a busy machine the wall-clock
/// figures grow with the load, the CPU seconds far less.
/// </summary>
internal sealed record StartUp(double ReadySeconds, double FirstAcceptSeconds, double CpuSeconds);
