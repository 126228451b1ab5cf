using Microsoft.AspNetCore.StaticFiles;

namespace MediaProxy.Api.Endpoints;

/// <summary>
/// The browser client (<c>/client/mediaproxy.js</c>, <c>/client/mediaproxy.d.ts</c>) and the demo page
/// (<c>/demo/</c>) from <c>wwwroot</c>, which <c>dotnet publish</c> copies next to the service.
/// </summary>
public static class ClientAssetEndpoints
{
    /// <summary>
    /// Static files with explicit content types, <c>/demo</c> → <c>/demo/</c> → <c>/demo/index.html</c>, and cache
    /// headers: the file names carry no version, so scripts and pages are revalidated (ETag) on every use, while the
    /// demo clip, which never changes, may be kept for a day. Range requests (video seeking) come with the middleware.
    /// </summary>
    public static WebApplication UseClientAssets(this WebApplication app)
    {
        // wwwroot holds /client and /demo only: other requests (every event post) skip both middlewares.
        app.UseWhen(IsClientAsset, assets => assets
            // Redirects /demo to /demo/ (a relative link in the page must resolve under /demo/), then serves index.html.
            .UseDefaultFiles(new DefaultFilesOptions { RedirectToAppendTrailingSlash = true })
            .UseStaticFiles(new StaticFileOptions
            {
                ContentTypeProvider = new ClientContentTypes(),
                OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                    context.File.Name.EndsWith(".webm", StringComparison.OrdinalIgnoreCase) ? "public, max-age=86400" : "no-cache",
            }));
        return app;
    }

    private static bool IsClientAsset(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/client", StringComparison.OrdinalIgnoreCase)
        || context.Request.Path.StartsWithSegments("/demo", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The framework's table, made exact for what <c>wwwroot</c> holds: <c>.d.ts</c> is TypeScript, not the MPEG
    /// transport stream that <c>.ts</c> maps to; <c>.js</c> is <c>application/javascript</c>.
    /// </summary>
    private sealed class ClientContentTypes : IContentTypeProvider
    {
        private readonly FileExtensionContentTypeProvider _table = new()
        {
            Mappings =
            {
                [".js"] = "application/javascript; charset=utf-8",
                [".css"] = "text/css; charset=utf-8",
                [".html"] = "text/html; charset=utf-8",
                [".webm"] = "video/webm",
            },
        };

        public bool TryGetContentType(string subpath, out string contentType)
        {
            if (subpath.EndsWith(".d.ts", StringComparison.OrdinalIgnoreCase))
            {
                contentType = "application/typescript; charset=utf-8";
                return true;
            }

            return _table.TryGetContentType(subpath, out contentType!);
        }
    }
}
