using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
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
            .Validate(o => o.TrustedProxies.All(p => IPAddress.TryParse(p, out _) || System.Net.IPNetwork.TryParse(p, out _)),
                "MediaProxy:RateLimits:TrustedProxies must hold IP addresses or networks (10.0.0.0/8).")
            .ValidateOnStart();
        services.AddSingleton<ClientIdentityResolver>();

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
                if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
                else
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                }
            }
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, ClientIdentityResolver>((limiter, limits, clients) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
            if (limits.Value.Enabled)
            {
                limiter.GlobalLimiter = PlayerLimiter.Create(limits.Value, clients);
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
