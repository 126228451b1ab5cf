namespace MediaProxy.Api.Endpoints;

public static class HealthEndpoints
{
    /// <summary>
    /// /health/live: the process answers. /health/ready: and its store (Redis) answers too; its JSON body details
    /// each check (an open API in Production shows there as Degraded).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        app.MapHealthChecks("/health/ready", new()
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = Hosting.HealthReportWriter.WriteAsync,
        }).WithTags("Health");
        return app;
    }
}
