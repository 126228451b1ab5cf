using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Queue;

/// <summary>How full the store may get, and how much one playback may hold before its sessionStart. Bound from <c>MediaProxy:StoreGuard</c>.</summary>
public sealed class StoreGuardOptions : IValidatableObject
{
    public const string SectionName = "MediaProxy:StoreGuard";

    /// <summary>
    /// The memory budget when the server sets none: Redis without <c>maxmemory</c>. The embedded store's budget is its
    /// own memory (<c>MediaProxy:Embedded:MemoryMegabytes</c>).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxMemoryBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Past this share of the budget, new playbacks are refused (503); playbacks under way go on.</summary>
    [Range(0.1, 1.0)]
    public double RefuseNewAt { get; set; } = 0.8;

    /// <summary>Below this share again, new playbacks are taken again (so the guard does not flap at the mark).</summary>
    [Range(0.05, 1.0)]
    public double ResumeNewBelow { get; set; } = 0.7;

    /// <summary>Past this share, every post is refused (503), so the server itself never runs out of memory.</summary>
    [Range(0.1, 1.0)]
    public double RefuseAllAt { get; set; } = 0.95;

    /// <summary>Most playbacks with work pending, whole store; 0: the budget ÷ 16 KB (what a playback may grow to, roughly).</summary>
    [Range(0, int.MaxValue)]
    public int MaxPendingPlaybacks { get; set; }

    /// <summary>How often the server's own memory figures are read (between readings, each accept adds its bytes).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(ResumeNewBelow <= RefuseNewAt && RefuseNewAt <= RefuseAllAt))
        {
            yield return new ValidationResult("ResumeNewBelow ≤ RefuseNewAt ≤ RefuseAllAt is required.", [nameof(RefuseNewAt)]);
        }
    }
}
