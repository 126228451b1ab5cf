using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Api.Hosting;

/// <summary>HTTP-facing settings. Bound from <c>MediaProxy:Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "MediaProxy:Api";

    /// <summary>Swagger UI at /swagger: part of the product, on in every environment unless turned off here.</summary>
    public bool EnableSwagger { get; set; } = true;

    /// <summary>Largest request body; Kestrel's 30 MB default is far more than 100 events need.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Seconds a player is told to wait (Retry-After) when its playback's queue is full.</summary>
    [Range(1, 3_600)]
    public int QueueFullRetryAfterSeconds { get; set; } = 5;

    /// <summary>Seconds a player is told to wait (Retry-After) when the store is unreachable.</summary>
    [Range(1, 3_600)]
    public int StoreUnavailableRetryAfterSeconds { get; set; } = 5;
}
