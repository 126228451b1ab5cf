using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Playbacks;

/// <summary>How playbacks are kept and worked. Bound from <c>MediaProxy:Playbacks</c>.</summary>
public sealed class PlaybackOptions
{
    public const string SectionName = "MediaProxy:Playbacks";

    /// <summary>Every key of a playback expires this long after its last activity.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Largest number of events in one post (an array).</summary>
    [Range(1, 10_000)]
    public int MaxEventsPerPost { get; set; } = 100;

    /// <summary>How long a post waits for the upstream when forwarding directly before queueing instead.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan DirectForwardTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Playbacks this instance works (sessions calls and replays) at the same time.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentPlaybacks { get; set; } = 64;

    /// <summary>Events read from the queue per Redis call while replaying.</summary>
    [Range(1, 1_000)]
    public int ReplayBatchSize { get; set; } = 32;

    /// <summary>First wait before a playback whose upstream calls failed is tried again; doubles per failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two tries of a failing playback.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rounds of the sessions call (each already retried by the resilience pipeline) before <c>failed</c>.</summary>
    [Range(1, 1_000)]
    public int SessionStartMaxRounds { get; set; } = 8;
}
