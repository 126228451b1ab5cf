using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MediaProxy.Tests.Api;
using MediaProxy.Tests.Infrastructure;

namespace MediaProxy.Tests.Hostile;

/// <summary>Hostile requests at the HTTP level: each gets a 4xx ProblemDetails, and normal players are still served.</summary>
public sealed class HostileRequestTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private MediaProxyAppFactory App => fixture.App;

    [Theory]
    [InlineData("application/jsonx", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=utf-8", HttpStatusCode.Accepted)]
    [InlineData("text/json", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("multipart/form-data; boundary=x", HttpStatusCode.UnsupportedMediaType)]
    public async Task PostEvents_ContentTypes_JsonOnly(string contentType, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(TestEvents.Ping(1)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await App.CreateClient().PostAsync($"/v1/playbacks/{TestEvents.NewKey()}/events", content);

        Assert.Equal(expected, response.StatusCode);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task PostEvents_TwentyMegabytesChunked_PayloadTooLargeWithoutReadingItAll()
    {
        using var content = new StreamContent(new EndlessJson(20 * 1024 * 1024));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await App.CreateClient().PostAsync($"/v1/playbacks/{TestEvents.NewKey()}/events", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/v1/playbacks/..%2F..%2Fetc%2Fpasswd0000/events", HttpStatusCode.BadRequest)]
    // (A %00 in the path cannot be sent through the in-process TestServer; Kestrel itself answers it with 400.)
    [InlineData("/v1/playbacks/mp:%7Bx%7D:meta0000000000/events", HttpStatusCode.BadRequest)]
    [InlineData("/v1/playbacks/0123456789abcdef0000/events/extra", HttpStatusCode.NotFound)]
    [InlineData("/admin", HttpStatusCode.NotFound)]
    public async Task Post_HostilePaths_ClientErrorProblem(string path, HttpStatusCode expected)
    {
        using var content = new StringContent(TestEvents.Ping(1), Encoding.UTF8, "application/json");

        using var response = await App.CreateClient().PostAsync(path, content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task PostEvents_TenKilobyteKey_BadRequest()
    {
        var (status, _) = await new PlaybackClient(App.CreateClient()).PostAsync(new string('k', 10_240), TestEvents.Ping(1));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Events_WrongMethod_MethodNotAllowedProblem(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"/v1/playbacks/{TestEvents.NewKey()}/events")
        {
            Content = new StringContent(TestEvents.Ping(1), Encoding.UTF8, "application/json"),
        };

        using var response = await App.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("%0A")]
    [InlineData("%0D%0A")]
    [InlineData("%0D")]
    public async Task PostEvents_KeyWithATrailingLineBreak_BadRequestOnBothSurfacesAndNothingForwarded(string lineBreak)
    {
        var key = TestEvents.NewKey();
        var http = App.CreateClient();

        // The player API would have created the playback; the drop-in surface would then have forwarded into it.
        using var player = await PostJsonAsync(http, $"/v1/playbacks/{key}{lineBreak}/events", TestEvents.SessionStart(key));
        using var dropIn = await PostJsonAsync(http, $"/api/v1/sessions/{key}{lineBreak}/events", TestEvents.Ping(1));

        await AssertProblemAsync(player, HttpStatusCode.BadRequest);
        await AssertProblemAsync(dropIn, HttpStatusCode.BadRequest);
        await AssertNothingForwardedAsync(key);
    }

    [Theory]
    [InlineData("/v1/playbacks/{0}/events", "header")]
    [InlineData("/v1/playbacks/{0}/events", "query")]
    [InlineData("/api/v1/sessions/{0}/events", "header")]
    public async Task PostEvents_IdempotencyKeySentTwice_BadRequestNeverJoined(string template, string where)
    {
        var key = TestEvents.NewKey();
        var http = App.CreateClient();
        if (template.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await new PlaybackClient(http).PostAsync(key, TestEvents.SessionStart(key))).Status);
        }

        var path = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, key);
        using var request = new HttpRequestMessage(HttpMethod.Post, where == "query" ? $"{path}?idempotencyKey=a&idempotencyKey=b" : path)
        {
            Content = new StringContent(TestEvents.Ping(1), Encoding.UTF8, "application/json"),
        };
        if (where == "header")
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", ["retry-a", "retry-b"]);
        }

        using var response = await http.SendAsync(request);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Idempotency-Key", problem, StringComparison.Ordinal);
        if (!template.StartsWith("/api/", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/playbacks/{key}")).StatusCode); // nothing stored
        }
    }

    [Fact]
    public async Task PostEvents_ApiKeySentTwice_BadRequestProblem()
    {
        var key = TestEvents.NewKey();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/playbacks/{key}/events")
        {
            Content = new StringContent(TestEvents.Ping(1), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("X-Api-Key", ["key-one", "key-two"]);

        using var response = await App.CreateClient().SendAsync(request);

        Assert.Contains("X-Api-Key", await AssertProblemAsync(response, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await App.CreateClient().GetAsync($"/v1/playbacks/{key}")).StatusCode);
    }

    private static async Task<HttpResponseMessage> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await http.PostAsync(path, content);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>A normal playback started afterwards reaches the upstream; by then a forward of <paramref name="mediaId"/>'s would have too.</summary>
    private async Task AssertNothingForwardedAsync(string mediaId)
    {
        var sentinel = TestEvents.NewKey();
        var player = new PlaybackClient(App.CreateClient());
        Assert.Equal(HttpStatusCode.Accepted, (await player.PostAsync(sentinel, TestEvents.SessionStart(sentinel))).Status);
        await player.WaitForStateAsync(sentinel, "live");
        Assert.Empty(App.Upstream.SessionsForMedia(mediaId));
    }

    private async Task AssertStillServingAsync()
    {
        var key = TestEvents.NewKey();
        Assert.Equal(HttpStatusCode.Accepted, (await new PlaybackClient(App.CreateClient()).PostAsync(key, TestEvents.Ping(1))).Status);
    }

    /// <summary>A JSON array that never ends, up to a length, produced as it is read (a chunked body).</summary>
    private sealed class EndlessJson(long length) : Stream
    {
        private static readonly byte[] Chunk = Encoding.UTF8.GetBytes("{\"playerTime\":{\"playhead\":0,\"ts\":1},\"eventType\":\"ping\"},");
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count && _position < length)
            {
                buffer[offset + written++] = _position == 0 ? (byte)'[' : Chunk[(int)(_position % Chunk.Length)];
                _position++;
            }

            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
