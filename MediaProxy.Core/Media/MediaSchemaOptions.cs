using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Core.Media;

/// <summary>Where the validation rules come from and how often they are refreshed. Bound from <c>MediaProxy:Schemas</c>.</summary>
public sealed class MediaSchemaOptions : IValidatableObject
{
    public const string SectionName = "MediaProxy:Schemas";

    /// <summary>Read the upstream's <c>/api/v1/schemas/{eventType}</c> at start-up and every <see cref="RefreshInterval"/>; false: the shipped copy only.</summary>
    public bool RefreshFromUpstream { get; set; } = true;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long start-up waits for the store's copy and the upstream's answers before serving with what it has.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan StartupWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long fetched schemas are kept in the store after their last refresh.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromDays(7);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CacheTtl < RefreshInterval)
        {
            yield return new ValidationResult("CacheTtl must be at least RefreshInterval, or the store's copy expires between two refreshes.", [nameof(CacheTtl)]);
        }
    }
}
