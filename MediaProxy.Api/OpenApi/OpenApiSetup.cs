using MediaProxy.Api.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace MediaProxy.Api.OpenApi;

public static class OpenApiSetup
{
    private const string Description = """
        MediaProxy sits between video players and Adobe's Media Collection API. Post every event, sessionStart
        included, under a playback key you make up (a UUID); the proxy answers 202 at once, queues events while
        the upstream sessions call is in flight, replays them in order when the session id returns and then
        forwards later events directly.

        Try it: post the **sessionStart** example to `/v1/playbacks/{playbackKey}/events`, then **play** and
        the **array**, and watch `GET /v1/playbacks/{playbackKey}` go `starting → live`. With the built-in
        simulator, `GET /simulator/sessions` shows what the upstream received.

        See it with a real video: [the demo page](/demo/) tracks a clip with the browser client
        [`/client/mediaproxy.js`](/client/mediaproxy.js). Already speaking Adobe's API? The same calls work under
        `/api/v1/sessions` here: only the base URL changes.
        """;

    public static IServiceCollection AddMediaProxyOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo { Title = "MediaProxy", Version = "v1", Description = Description });
            options.OperationFilter<RequestExamplesOperationFilter>();
            // Lets Swagger UI's "Authorize" send the X-Api-Key header when keys are configured.
            options.AddSecurityDefinition("ApiKey", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Security.AuthOptions.HeaderName,
                Description = "Player or admin key, when MediaProxy:Auth configures any.",
            });
            options.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] });
            var xml = Path.Combine(AppContext.BaseDirectory, "MediaProxy.Api.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }

            // After the XML comments, which would otherwise overwrite the rules it writes.
            options.SchemaFilter<MediaEventSchemaFilter>();
        });
        return services;
    }

    /// <summary>Swagger UI at /swagger and the document at /swagger/v1/swagger.json, unless turned off.</summary>
    public static WebApplication UseMediaProxyOpenApi(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.EnableSwagger)
        {
            return app;
        }

        // Only requests under /swagger go through the two middlewares: every event post used to pay their checks.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger", StringComparison.OrdinalIgnoreCase), swagger => swagger
            .UseSwagger()
            .UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint("/swagger/v1/swagger.json", "MediaProxy v1");
                options.DocumentTitle = "MediaProxy";
            }));
        app.MapGet("/", () => TypedResults.Redirect("/swagger")).ExcludeFromDescription();
        return app;
    }
}
