using MediaProxy.Api.Contracts;
using MediaProxy.Api.Endpoints;
using MediaProxy.Api.Hosting;
using MediaProxy.Api.OpenApi;
using MediaProxy.Api.Security;

// `dotnet MediaProxy.Api.dll probe [url]`: the container's HEALTHCHECK, without curl in the image.
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);

builder.AddMediaProxyHosting();
builder.Services.AddMediaProxy(builder.Configuration);
builder.Services.AddMediaProxyProblemDetails();
builder.Services.AddMediaProxySecurity(builder.Configuration);
builder.Services.AddMediaProxyOpenApi();
builder.Services.AddHealthChecks();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, MediaProxyJsonContext.Default));

var app = builder.Build();
if (StartupRefusal.Check(app) is { } refused)
{
    return refused; // one line naming the setting, exit code 1: unknown or invalid settings, Production unsafe
}

app.UseRequestLogScope();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseMediaProxySecurity();
app.UseMediaProxyOpenApi();
app.UseClientAssets();

app.MapPlaybackEndpoints();
app.MapAdminEndpoints();
app.MapMediaCollectionEndpoints();
app.MapSimulatorEndpoints();
app.MapHealthEndpoints();
app.MapMetricsEndpoint();

await app.RunAsync();
return 0;

/// <summary>The entry point, public for WebApplicationFactory in the tests.</summary>
public partial class Program;
