namespace MediaProxy.Bench.Servers;

/// <summary>
/// What the fake upstream has seen since its last reset: sessions created, sessions calls being held, events and the
/// time from the first to the last; every call received (sessions and events, answered or not), 429s sent, the most
/// sessions created for one <c>media.id</c>, events that arrived out of order, and how long ago things happened
/// (-1: never).
/// </summary>
internal sealed record UpstreamStats(long Sessions, long HeldSessionCalls, long Events, double EventSpanSeconds)
{
    public long Calls { get; init; }

    public long TooManyRequests { get; init; }

    public int MaxSessionsPerMedia { get; init; }

    public long OrderViolations { get; init; }

    public double SinceFirstEventSeconds { get; init; } = -1;

    public double SinceLastEventSeconds { get; init; } = -1;

    public double SinceLastSessionSeconds { get; init; } = -1;

    public string Mode { get; init; } = "";
}
