using System.Net;
using System.Net.Http.Headers;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Browser;

/// <summary>The browser client and the demo page as static files: paths, content types, cache headers, ranges.</summary>
public sealed class ClientAssetTests : IAsyncLifetime
{
    private readonly ConfiguredAppFactory _app = new(new Dictionary<string, string?>());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("/client/mediaproxy.js", "application/javascript", "no-cache")]
    [InlineData("/client/mediaproxy.d.ts", "application/typescript", "no-cache")]
    [InlineData("/demo/", "text/html", "no-cache")]
    [InlineData("/demo/index.html", "text/html", "no-cache")]
    [InlineData("/demo/demo.js", "application/javascript", "no-cache")]
    [InlineData("/demo/demo.css", "text/css", "no-cache")]
    [InlineData("/demo/clip.webm", "video/webm", "public, max-age=86400")]
    public async Task Get_ClientAsset_ServedWithItsContentTypeAndCacheHeaders(string path, string contentType, string cacheControl)
    {
        using var response = await _app.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(cacheControl, response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
    }

    [Fact]
    public async Task Get_DemoWithoutSlash_RedirectsToTheDirectory()
    {
        using var client = _app.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/demo");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/demo/", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Get_ClipWithRange_AnswersPartialContent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/demo/clip.webm");
        request.Headers.Range = new RangeHeaderValue(0, 1023);

        using var response = await _app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(1024, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Get_DemoPage_LoadsTheClientAndLinksSwagger()
    {
        var html = await _app.CreateClient().GetStringAsync("/demo/");

        Assert.Contains("<script src=\"/client/mediaproxy.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/swagger\"", html, StringComparison.Ordinal);
        Assert.Contains("src=\"clip.webm\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_UnknownAsset_NotFound()
    {
        using var response = await _app.CreateClient().GetAsync("/client/nothing-here.js");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
