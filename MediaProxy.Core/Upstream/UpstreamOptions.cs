using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Upstream;

/// <summary>The Media Collection API endpoint and how it is called. Bound from <c>MediaProxy:Upstream</c>.</summary>
public sealed class UpstreamOptions : IValidatableObject
{
    public const string SectionName = "MediaProxy:Upstream";

    /// <summary>
    /// <c>https://{company}.hb-api.omtrdc.net</c>. Empty: the built-in simulator answers instead (demo mode).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// Run the built-in simulator on purpose. Outside Production an empty <see cref="BaseUrl"/> implies it; in
    /// Production it must be asked for, so a missing BaseUrl cannot quietly send every event to a simulator.
    /// </summary>
    public bool Simulate { get; set; }

    /// <summary>One HTTP attempt; for the sessions call, the first one (it grows while sessions calls time out).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest a sessions call is waited for. A timed-out sessions call may have created a session upstream, so
    /// its next try waits this long: an upstream that answers within it creates at most two sessions per playback.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan MaxSessionsAttemptTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>A <c>Retry-After</c> longer than this is cut to this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Ceiling of the sessions calls in flight at once (per instance). The limit itself adapts to the upstream:
    /// it grows while answers succeed and their latency holds, and is cut on 429, 503, timeouts or rising latency.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConcurrentSessionCalls { get; set; } = 16_384;

    /// <summary>
    /// Where the sessions calls' limit starts, which is also how many calls an upstream that answers nothing holds
    /// (about 20 KB each). Empty: a sixteenth of <see cref="MaxConcurrentSessionCalls"/>. Higher starts a flash crowd
    /// in one round trip instead of two.
    /// </summary>
    [Range(1, 100_000)]
    public int? InitialConcurrentSessionCalls { get; set; }

    /// <summary>Ceiling of the event posts in flight at once (per instance), adapting as the sessions calls do.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentEventSends { get; set; } = 1_024;

    /// <summary>How much slower than its usual latency an answer may get before the concurrency limit is cut.</summary>
    [Range(1.1, 100.0)]
    public double LatencyTolerance { get; set; } = 2.0;

    /// <summary>Failed calls in a row (5xx, timeouts, refused connections; not 429) after which the upstream is taken as down.</summary>
    [Range(1, 10_000)]
    public int OutageThreshold { get; set; } = 5;

    /// <summary>
    /// While the upstream is down, one real call is tried this often (with jitter) to see whether it is back: how
    /// long it may be back before anyone knows. A probe left hanging costs one store round, whatever its wait.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    public bool UsesSimulator => Simulate || string.IsNullOrWhiteSpace(BaseUrl);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Simulate && !string.IsNullOrWhiteSpace(BaseUrl))
        {
            yield return new ValidationResult("Simulate=true and a BaseUrl: set one or the other.", [nameof(Simulate)]);
        }

        if (!UsesSimulator && (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("BaseUrl must be an absolute http(s) URL, or empty for the built-in simulator.", [nameof(BaseUrl)]);
        }

        if (InitialConcurrentSessionCalls > MaxConcurrentSessionCalls)
        {
            yield return new ValidationResult("InitialConcurrentSessionCalls must be at most MaxConcurrentSessionCalls.", [nameof(InitialConcurrentSessionCalls)]);
        }

        if (MaxSessionsAttemptTimeout < AttemptTimeout)
        {
            yield return new ValidationResult("MaxSessionsAttemptTimeout must be at least AttemptTimeout.", [nameof(MaxSessionsAttemptTimeout)]);
        }
    }
}
