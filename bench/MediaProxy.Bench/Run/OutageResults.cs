namespace MediaProxy.Bench.Run;

/// <summary>The outage phase's measurements (issue 14), part by part.</summary>
internal sealed class OutageResults
{
    /// <summary>The proxy's live-forward run the drain is compared with (the live phase's, or a short one of its own).</summary>
    public Measured? LiveForward { get; set; }

    public CrowdResult? Flash { get; set; }

    public CrowdResult? Capped { get; set; }

    /// <summary>The flash crowd on a proxy whose sessions limit starts at the crowd's size.</summary>
    public CrowdResult? SizedFlash { get; set; }

    /// <summary>The capped upstream's crowd on a proxy whose sessions limit starts at the crowd's size.</summary>
    public CrowdResult? SizedCapped { get; set; }

    public long WaitingPosts { get; set; }

    public double WaitingPostingSeconds { get; set; }

    /// <summary>From the first post until the proxy reported the upstream down.</summary>
    public double DownAfterSeconds { get; set; } = -1;

    public DownWindow? Failing { get; set; }

    public DownWindow? Hanging { get; set; }

    public WaitingMemory? Memory { get; set; }

    public RecoveryResult? Recovery { get; set; }

    /// <summary>Live-forward events per second and proxy CPU seconds per event.</summary>
    public (double PerSecond, double CpuPerEvent) Live =>
        LiveForward is { } m ? (m.Result.PerSecond, m.ServerCpuSeconds / Math.Max(1, m.Result.TotalSucceeded)) : (0, 0);
}

/// <summary>
/// Playbacks (sessionStart + one event each) posted as fast as the load generator can, and when the upstream had
/// what: times in seconds from the first post. <see cref="Capacity"/>: concurrent sessions calls the upstream takes
/// before answering 429 (0: no cap).
/// </summary>
internal sealed record CrowdResult(
    int Playbacks, int Capacity, double SessionLatencySeconds, long RefusedPosts, double PostingSeconds,
    double LastSessionSeconds, double LastEventSeconds, long Sessions, long TooManyRequests, long Events,
    int MaxSessionsPerPlayback, long FailedPlaybacks, double ProxyCpuSeconds, bool Complete)
{
    /// <summary>The flash crowd's figure: the last playback live, over posting time plus one sessions call.</summary>
    public double LastLiveRatio => LastEventSeconds / (PostingSeconds + SessionLatencySeconds);

    public double StartRate => LastSessionSeconds > 0 ? Sessions / LastSessionSeconds : 0;

    /// <summary>Sessions per second the upstream allows: its capacity over the sessions call's latency.</summary>
    public double AllowedRate => Capacity / SessionLatencySeconds;

    public double ProxyCpuPerPlayback => ProxyCpuSeconds / Math.Max(1, Playbacks);

    /// <summary>Redis commands from the first post to the last event (INFO commandstats: those inside scripts included).</summary>
    public long RedisCommands { get; init; }

    /// <summary>Of <see cref="RedisCommands"/>, the script calls (EVALSHA, EVAL): each one round trip.</summary>
    public long RedisScriptCalls { get; init; }

    public double RedisCommandsPerPlayback => (double)RedisCommands / Math.Max(1, Playbacks);

    public double RedisScriptCallsPerPlayback => (double)RedisScriptCalls / Math.Max(1, Playbacks);
}

/// <summary>
/// One window while the upstream was down: Redis commands (INFO commandstats; those inside scripts included), the
/// proxy's CPU, and the upstream calls it received (answered or not).
/// </summary>
internal sealed record DownWindow(string Mode, double Seconds, IReadOnlyDictionary<string, long> Commands, double ProxyCpuSeconds,
    long UpstreamCalls, bool DownAtEnd)
{
    public double CommandsPerSecond => Commands.Values.Sum() / Seconds;

    /// <summary>Client round trips: every command but those our scripts call inside (EVALSHA counts once).</summary>
    public double RoundTripsPerSecond => Commands.Where(c => !RedisStats.ScriptInternal.Contains(c.Key)).Sum(c => c.Value) / Seconds;

    public double CpuPercent => ProxyCpuSeconds / Seconds * 100;

    public double CallsPerProbeInterval => UpstreamCalls / (Seconds / OutagePlan.ProbeInterval.TotalSeconds);
}

/// <summary>
/// Redis memory of waiting playbacks (sessionStart + events, parked): every key of each sampled playback
/// (MEMORY USAGE … SAMPLES 0) plus its share of the pending index, against the JSON of its events.
/// </summary>
internal sealed record WaitingMemory(int Sampled, long MetaBytes, long QueueBytes, long OtherBytes, long IndexBytes, long IndexMembers, long JsonBytes, int Leases)
{
    public long KeyBytes => MetaBytes + QueueBytes + OtherBytes;

    public double IndexBytesPerPlayback => IndexMembers > 0 ? (double)IndexBytes / IndexMembers : 0;

    public double BytesPerPlayback => ((double)KeyBytes / Sampled) + IndexBytesPerPlayback;

    public double JsonPerPlayback => (double)JsonBytes / Sampled;

    public double Ratio => BytesPerPlayback / JsonPerPlayback;
}

/// <summary>After the upstream came back: what it received, and when (seconds from its recovery).</summary>
internal sealed record RecoveryResult(
    int Playbacks, long ExpectedEvents, long Events, double FirstEventSeconds, double LastEventSeconds, long Sessions,
    int MaxSessionsPerPlayback, long OrderViolations, long FailedPlaybacks, double ProxyCpuSeconds, long UpstreamCalls, bool Complete)
{
    /// <summary>The drain rate: events from recovery until the last one.</summary>
    public double PerSecond => LastEventSeconds > 0 ? Events / LastEventSeconds : 0;

    /// <summary>From the first event delivered after recovery to the last (the proxy's resume time left out).</summary>
    public double ResumedPerSecond => LastEventSeconds > FirstEventSeconds ? Events / (LastEventSeconds - FirstEventSeconds) : 0;

    public double ProxyCpuPerEvent => ProxyCpuSeconds / Math.Max(1, Events);
}
