using System.Net;

namespace MediaProxy.Bench.Servers;

/// <summary>The bare Kestrel host every mode uses: loopback, no logging, no configuration sources, a /ready probe.</summary>
internal static class Server
{
    public static WebApplicationBuilder CreateBuilder(int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        // A flash crowd opens thousands of connections at once: with Kestrel's accept backlog of 512 the kernel drops
        // SYNs, the client sends them again a second later, and the fake upstream, not the proxy, sets the pace.
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 65_535);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
        });
        return builder;
    }

    public static async Task<int> RunAsync(WebApplication app)
    {
        app.MapGet("/ready", () => Results.Ok());
        await app.RunAsync();
        return 0;
    }

    /// <summary>Reads the body into <paramref name="buffer"/>; returns its length, or -1 when it did not fit (the rest is discarded).</summary>
    public static async Task<int> ReadAsync(HttpRequest request, byte[] buffer)
    {
        int read, total = 0;
        while (total < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(total))) > 0)
        {
            total += read;
        }

        return total < buffer.Length ? total : await DrainAsync(request) > 0 ? -1 : total;
    }

    /// <summary>Reads and discards the body, as every server here must (an unread body would be cheating).</summary>
    public static async Task<int> DrainAsync(HttpRequest request)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read, total = 0;
            while ((read = await request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
