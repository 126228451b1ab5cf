using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Upstream.Simulator;

/// <summary>The built-in simulated Media Collection API. Bound from <c>MediaProxy:Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "MediaProxy:Simulator";

    /// <summary>How long the sessions call takes: the wait MediaProxy hides from players.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SessionLatency { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sessions remembered for <c>GET /simulator/sessions</c>; the oldest are forgotten first.</summary>
    [Range(1, 100_000)]
    public int MaxSessions { get; set; } = 1_000;

    /// <summary>Events remembered per session.</summary>
    [Range(1, 100_000)]
    public int MaxEventsPerSession { get; set; } = 1_000;
}
