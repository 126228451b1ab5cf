using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Hosting;

public static class HostingSetup
{
    /// <summary>Kestrel limits and logging shared by every environment.</summary>
    public static WebApplicationBuilder AddMediaProxyHosting(this WebApplicationBuilder builder)
    {
        // Kestrel's 30 MB default is far beyond what 100 events need; the endpoint also enforces the limit.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
        {
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        return builder.AddMediaProxyTelemetry().AddRequestLogScope();
    }
}
