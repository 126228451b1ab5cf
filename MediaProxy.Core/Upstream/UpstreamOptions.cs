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

    /// <summary>One HTTP attempt; the sessions call is slow, so this is generous.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>All attempts of one call together, retries and their waits included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff delay (exponential with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A <c>Retry-After</c> longer than this is cut to this.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of failed calls within <see cref="CircuitSamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double CircuitFailureRatio { get; set; } = 0.5;

    [Range(2, 100_000)]
    public int CircuitMinimumThroughput { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

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

        if (TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult("TotalTimeout must be at least AttemptTimeout.", [nameof(TotalTimeout)]);
        }
    }
}
