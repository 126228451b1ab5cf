using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Playbacks;

/// <summary>How playbacks are kept and worked. Bound from <c>MediaProxy:Playbacks</c>.</summary>
public sealed class PlaybackOptions : IValidatableObject
{
    public const string SectionName = "MediaProxy:Playbacks";

    /// <summary>Every key of a playback expires this long after its last activity.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Most events one playback may have queued; a post past it is refused with 429, nothing accepted is dropped.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedEvents { get; set; } = 1_000;

    /// <summary>The smaller cap while no sessionStart has arrived (events held for a session that may never come).</summary>
    [Range(1, 1_000_000)]
    public int MaxHeldEvents { get; set; } = 100;

    /// <summary>The most bytes of events held before a sessionStart, per playback: a flood of fresh keys cannot fill the store.</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxHeldBytes { get; set; } = 2 * 1024;

    /// <summary>How long events held before a sessionStart are kept when none comes (their playback expires).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan HeldEventsTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A repeated Idempotency-Key within this window is answered as before and not enqueued again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(10);


    /// <summary>Largest number of events in one post (an array). Bounded well below Lua's unpack limit (~8,000).</summary>
    [Range(1, 1_000)]
    public int MaxEventsPerPost { get; set; } = 100;

    /// <summary>How long a post waits for the upstream when forwarding directly before queueing instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan DirectForwardTimeout { get; set; } = TimeSpan.FromSeconds(2);





    /// <summary>
    /// Whether replay gives way to posts: while posts are arriving and the replay slows them down (see
    /// <see cref="ReplayYieldThreshold"/>), fewer replay sends run at once (<see cref="ReplayGovernor"/>).
    /// </summary>
    public bool ReplayYieldsToPosts { get; set; } = true;

    /// <summary>
    /// How much slower than when nothing replays a post may get, on average, before the replay gives way
    /// (with <see cref="ReplayYieldsToPosts"/>).
    /// </summary>
    [Range(1.1, 100.0)]
    public double ReplayYieldThreshold { get; set; } = 1.3;

    /// <summary>Events a replay sends in one pass, before it reads the playback's state again.</summary>
    [Range(1, 1_000)]
    public int ReplayBatchSize { get; set; } = 32;

    /// <summary>
    /// How old an event (or a sessionStart) may get before it is given up on: past it, it is dead-lettered (the
    /// playback failed, for a sessionStart) instead of sent. The one limit besides the upstream's own refusal; an
    /// outage never ends delivery otherwise. Below <see cref="Ttl"/>, which removes a playback idle that long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Bound of the first wait (full jitter) before a playback whose upstream call failed is tried again; doubles per failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two tries of a failing playback.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);


    /// <summary>
    /// How long a playback's lease lasts without renewal: work left by a dead instance is taken over this long
    /// after its last renewal. Renewed every third of it while working.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "00:05:00")]
    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each instance looks for due work in the pending index (work of dead instances, retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the backlog gauges (queue depth, oldest event age, pending playbacks by state) are sampled.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MetricsSampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>On shutdown, how long work in flight may go on before it is handed back to other instances.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:25")]
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxEventAge >= Ttl)
        {
            yield return new ValidationResult("MaxEventAge must be shorter than Ttl (a playback idle for Ttl is removed).", [nameof(MaxEventAge)]);
        }
    }
}
