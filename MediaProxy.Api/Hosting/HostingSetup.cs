namespace MediaProxy.Api.Hosting;

public static class HostingSetup
{
    /// <summary>Kestrel limits and logging shared by every environment.</summary>
    public static WebApplicationBuilder AddMediaProxyHosting(this WebApplicationBuilder builder)
    {
        var api = builder.Configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>() ?? new ApiOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel's 30 MB default is far beyond what 100 events need; the endpoint also enforces it.
            kestrel.Limits.MaxRequestBodySize = api.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            options.UseUtcTimestamp = true;
        });
        return builder;
    }
}
