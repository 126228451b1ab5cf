using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using MediaProxy.Core.Playbacks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Security;

public static class SecuritySetup
{
    /// <summary>API keys, CORS, rate limits and forwarded headers, each from configuration, validated at start-up.</summary>
    public static IServiceCollection AddMediaProxySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.SectionName)).ValidateOnStart();
        services.AddOptions<CorsOptions>().Bind(configuration.GetSection(CorsOptions.SectionName))
            .Validate(o => o.AllowedOrigins.All(IsOrigin), "MediaProxy:Cors:AllowedOrigins must hold origins like https://player.example.com, or *.")
            .ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _)), "MediaProxy:RateLimits:TrustedProxies must hold IP addresses.")
            .ValidateOnStart();

        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CorsOptions>>((cors, origins) =>
            cors.AddPolicy(CorsOptions.PolicyName, policy =>
            {
                var allowed = origins.Value.AllowedOrigins;
                _ = allowed.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. allowed]);
                policy.WithMethods("GET", "POST")
                    .WithHeaders("Content-Type", "Idempotency-Key", AuthOptions.HeaderName)
                    .WithExposedHeaders("Retry-After", "Idempotent-Replayed", "Location")
                    .SetPreflightMaxAge(TimeSpan.FromHours(1));
            }));

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<RateLimitOptions>>((forwarded, limits) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in limits.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            if (limits.Value.Enabled)
            {
                limiter.GlobalLimiter = PlayerLimiter.Create(limits.Value);
            }
        });
        return services;
    }

    /// <summary>Forwarded headers (trusted proxies only), CORS and rate limits, in the order they must run.</summary>
    public static WebApplication UseMediaProxySecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseCors();
        app.UseRateLimiter();
        return app;
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        var http = context.HttpContext;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests.", Detail = $"Retry after {retryAfter} s." },
        });
    }

    private static bool IsOrigin(string origin) =>
        origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/");
}

/// <summary>Token buckets chained per client IP and per playback key, for the player API and its drop-in twin only.</summary>
internal static class PlayerLimiter
{
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options) =>
        PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsPlayerApi(http)
                ? RateLimitPartition.GetTokenBucketLimiter("ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => Bucket(options.PerClientBurst, options.PerClientPerSecond))
                : RateLimitPartition.GetNoLimiter(string.Empty)),
            PartitionedRateLimiter.Create<HttpContext, string>(http => IsPlayerApi(http) && (http.Request.RouteValues["playbackKey"] ?? http.Request.RouteValues["sessionId"]) is string key
                && PlaybackKey.IsValid(key)
                ? RateLimitPartition.GetTokenBucketLimiter("key:" + key, _ => Bucket(options.PerPlaybackBurst, options.PerPlaybackPerSecond))
                : RateLimitPartition.GetNoLimiter(string.Empty)));

    private static bool IsPlayerApi(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/v1/playbacks", StringComparison.Ordinal)
        || http.Request.Path.StartsWithSegments("/api/v1/sessions", StringComparison.Ordinal);

    private static TokenBucketRateLimiterOptions Bucket(int burst, int perSecond) => new()
    {
        TokenLimit = burst,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
