using MediaProxy.Bench.Load;

namespace MediaProxy.Bench.Run;

/// <summary>One closed-loop run and the CPU the server under load and Redis spent during it.</summary>
internal sealed record Measured(string Name, string Url, ClosedLoopResult Result, double ServerCpuSeconds, double RedisCpuSeconds);

/// <summary>One replay round: events the upstream received, over what span, and the accept probe run meanwhile.</summary>
internal sealed record DrainResult(long Events, long Expected, double SpanSeconds, double FromReleaseSeconds, OpenLoopResult? Probe)
{
    public double PerSecond => SpanSeconds > 0 ? Events / SpanSeconds : 0;

    public double FromReleasePerSecond => FromReleaseSeconds > 0 ? Events / FromReleaseSeconds : 0;

    /// <summary>CPU seconds per delivered event, from release to the last event (sessions calls of the round included).</summary>
    public double ProxyCpuPerEvent { get; init; }

    public double RedisCpuPerEvent { get; init; }

    public double UpstreamCpuPerEvent { get; init; }
}

/// <summary>Everything a run measured, filled in phase by phase.</summary>
internal sealed class Results
{
    public Plan Plan { get; set; } = Plan.Full;
    public string RedisVersion { get; set; } = "";
    public string ProxyUrl { get; set; } = "";
    public string BareUrl { get; set; } = "";
    public string RpushUrl { get; set; } = "";
    public string YarpUrl { get; set; } = "";
    public MachineInfo? Environment { get; set; }

    public Measured? LiveProxy { get; set; }
    public long LiveUpstreamEvents { get; set; }
    public long LivePosts { get; set; }
    public long LivePostsTotal { get; set; }
    public long YarpPostsTotal { get; set; }
    public Measured? CountedRun { get; set; }
    public Measured? Yarp { get; set; }
    public Measured? Bare { get; set; }

    public long RssIdleBytes { get; set; }
    public long RssQueuedBytes { get; set; }
    public long RssAfterLoadBytes { get; set; }
    public int RssPlaybacks { get; set; }

    /// <summary>Sessions calls the fake upstream was holding when <see cref="RssQueuedBytes"/> was read.</summary>
    public long RssHeldSessionCalls { get; set; }
    public double StartPostsPerSecond { get; set; }

    /// <summary>Sessions calls the fake upstream received during the queued phase, and how many it still held at its end.</summary>
    public (long Received, long HeldAtEnd) QueuedSessionCalls { get; set; }

    public Dictionary<string, long> BackgroundCalls { get; set; } = [];
    public double BackgroundSeconds { get; set; }
    public Dictionary<string, long> QueuedCalls { get; set; } = [];
    public Measured? QueuedProxy { get; set; }
    public Measured? Rpush { get; set; }
    public Measured? ArraysProxy { get; set; }

    public (long Memory, long JsonBytes, long Events, long MetaMemory, int Keys) QueueMemory { get; set; }
    public long UsedMemory { get; set; }

    public OpenLoopResult? ProbeIdle { get; set; }
    /// <summary>The probes of every release pooled (<see cref="ProbeReplayRounds"/>: each release's own).</summary>
    public OpenLoopResult? ProbeReplay { get; set; }
    public List<OpenLoopResult> ProbeReplayRounds { get; } = [];
    public Measured? UpstreamCapacity { get; set; }
    public DrainResult? Drain { get; set; }
    public DrainResult? DrainWithProbe { get; set; }

    public string Micro { get; set; } = "(not run)";

    public OutageResults Outage { get; } = new();

    public EmbeddedResults Embedded { get; } = new();

    /// <summary>Per accepted event: calls of each command, background work (measured idle, scaled to the window) subtracted.</summary>
    public Dictionary<string, double> CallsPerEvent()
    {
        var accepted = CountedRun!.Result.TotalSucceeded;
        var scale = BackgroundSeconds > 0 ? CountedRun.Result.TotalElapsed.TotalSeconds / BackgroundSeconds : 0;
        return QueuedCalls.ToDictionary(
            c => c.Key,
            c => Math.Max(0, c.Value - (BackgroundCalls.GetValueOrDefault(c.Key) * scale)) / accepted,
            StringComparer.Ordinal);
    }

    public double RoundTripsPerEvent() => CallsPerEvent().Where(c => !RedisStats.ScriptInternal.Contains(c.Key)).Sum(c => c.Value);
}
