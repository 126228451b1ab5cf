using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Security;

/// <summary>Which key list guards an endpoint.</summary>
public enum ApiKeyRole
{
    Player,
    Admin,
}

/// <summary>
/// Requires the <c>X-Api-Key</c> header to match one of the role's configured keys (none configured: open).
/// Keys are compared as SHA-256 digests with a fixed-time comparison, so neither the content nor the length of
/// a key leaks through timing.
/// </summary>
internal sealed class ApiKeyFilter(ApiKeyRole role, IOptionsMonitor<AuthOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[AuthOptions.HeaderName];
        if (presented.Count > 1)
        {
            // Two keys in two headers: which one counts is not for the proxy to guess (nor to join them).
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: $"Repeated {AuthOptions.HeaderName} header.", detail: $"Send one {AuthOptions.HeaderName} header, once."));
        }

        var keys = role == ApiKeyRole.Admin ? options.CurrentValue.AdminApiKeys : options.CurrentValue.PlayerApiKeys;
        if (keys.Count == 0 || Matches(presented, keys))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AuthOptions.HeaderName}\"";
        return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
            title: "Missing or unknown API key.", detail: $"Send a valid {role.ToString().ToUpperInvariant()} key in the {AuthOptions.HeaderName} header."));
    }

    private static bool Matches(string? presented, IList<string> keys)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var found = false;
        foreach (var key in keys)
        {
            // Every key is compared, match or not: the time taken does not say which one matched.
            found |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return found;
    }
}

public static class ApiKeyEndpointExtensions
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyRole role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((context, next) =>
        {
            var filter = new ApiKeyFilter(role, context.ApplicationServices.GetRequiredService<IOptionsMonitor<AuthOptions>>());
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
