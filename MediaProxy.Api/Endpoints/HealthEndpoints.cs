namespace MediaProxy.Api.Endpoints;

public static class HealthEndpoints
{
    /// <summary>/health/live: the process answers. /health/ready: and its store (Redis) answers too.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready") }).WithTags("Health");
        return app;
    }
}
