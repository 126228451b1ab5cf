using System.Text;
using StackExchange.Redis;
using Yarp.ReverseProxy.Configuration;

namespace MediaProxy.Bench.Servers;

/// <summary>
/// The baselines MediaProxy is measured against, each answering the proxy's own request shape
/// (<c>POST /v1/playbacks/{key}/events</c>): a bare 202, the floor of a durable accept (one RPUSH then 202), and
/// YARP passing the post straight through to the fake upstream's events endpoint.
/// </summary>
internal static class Baselines
{
    public static Task<int> RunBareAsync(BenchArgs args)
    {
        var app = Server.CreateBuilder(args.Port).Build();
        app.MapPost("/v1/playbacks/{key}/events", async (string key, HttpContext context) =>
        {
            await Server.DrainAsync(context.Request);
            await AcceptedAsync(context.Response, key);
        });
        return Server.RunAsync(app);
    }

    public static async Task<int> RunRpushAsync(BenchArgs args)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(args.Require("redis"));
        var db = redis.GetDatabase();
        var app = Server.CreateBuilder(args.Port).Build();
        app.MapPost("/v1/playbacks/{key}/events", async (string key, HttpContext context) =>
        {
            var body = await ReadAsync(context.Request);
            await db.ListRightPushAsync($"bench:{{{key}}}:q", body);
            await AcceptedAsync(context.Response, key);
        });
        return await Server.RunAsync(app);
    }

    public static Task<int> RunYarpAsync(BenchArgs args)
    {
        var builder = Server.CreateBuilder(args.Port);
        RouteConfig[] routes =
        [
            new RouteConfig
            {
                RouteId = "events",
                ClusterId = "upstream",
                Match = new RouteMatch { Path = "/v1/playbacks/{key}/events", Methods = ["POST"] },
                // The playback key stands in for the session id: the same upstream path the proxy posts to.
                Transforms = [new Dictionary<string, string>(StringComparer.Ordinal) { ["PathPattern"] = "/api/v1/sessions/{key}/events" }],
            },
        ];
        ClusterConfig[] clusters =
        [
            new ClusterConfig
            {
                ClusterId = "upstream",
                Destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal) { ["fake"] = new() { Address = args.Require("upstream") } },
                // More connections than the load generator opens (Plan.Connections): the limit never binds.
                HttpClient = new HttpClientConfig { MaxConnectionsPerServer = 256 },
            },
        ];
        builder.Services.AddReverseProxy().LoadFromMemory(routes, clusters);
        var app = builder.Build();
        app.MapReverseProxy();
        return Server.RunAsync(app);
    }

    /// <summary>The proxy's 202 answer, same shape and size, so the response side costs the same.</summary>
    private static Task AcceptedAsync(HttpResponse response, string key)
    {
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.Location = $"/v1/playbacks/{key}";
        return response.WriteAsync($$"""{"playbackKey":"{{key}}","accepted":1,"state":"starting"}""", Encoding.UTF8);
    }

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream((int)(request.ContentLength ?? 1024));
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
