using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>
/// A Garnet server (Microsoft Research's RESP server) inside the process, on loopback only, so the embedded mode
/// runs the same Lua scripts through the same StackExchange.Redis store as production. Lua runs in transaction
/// mode (keys locked for the whole script), which is what makes each script atomic as on Redis. The log always has
/// a disk tier: without one, Garnet drops the oldest records when its memory is full, and a 202 is a promise.
/// </summary>
public sealed partial class EmbeddedGarnet : IDisposable
{
    private const string LockFileName = "mediaproxy.lock";

    private readonly GarnetServer _server;
    private readonly FileStream? _lock;
    private readonly string? _temporaryDirectory;

    private EmbeddedGarnet(GarnetServer server, int port, FileStream? directoryLock, string? temporaryDirectory)
    {
        (_server, Port, _lock, _temporaryDirectory) = (server, port, directoryLock, temporaryDirectory);
    }

    public int Port { get; }

    /// <summary>The connection string StackExchange.Redis uses to reach it.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts the server; a setting Garnet refuses, or a data directory in use, fails with a clear message.</summary>
    public static EmbeddedGarnet Start(EmbeddedStoreOptions options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = loggerFactory.CreateLogger<EmbeddedGarnet>();
        var port = options.Port > 0 ? options.Port : FreeLoopbackPort();
        string directory;
        string? temporary = null;
        if (options.Durable)
        {
            directory = Path.GetFullPath(Path.Combine(options.DataDirectory!, "garnet"));
        }
        else
        {
            directory = temporary = Path.Combine(Path.GetTempPath(), $"mediaproxy-store-{Environment.ProcessId}-{Guid.NewGuid():N}");
        }

        Directory.CreateDirectory(directory);
        var directoryLock = LockDirectory(directory);
        try
        {
            var server = new GarnetServer(GarnetArguments.For(options, port, directory), new WarningsOnlyLoggerFactory(loggerFactory));
            server.Start();
            LogStarted(logger, port, options.Durable ? directory : "memory (a temporary folder for spills)");
            return new EmbeddedGarnet(server, port, directoryLock, temporary);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            directoryLock.Dispose();
            DeleteTemporary(temporary);
            throw new InvalidOperationException($"The embedded store (Garnet) did not start in {directory}: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        _server.Dispose();
        _lock?.Dispose();
        DeleteTemporary(_temporaryDirectory);
    }

    private static FileStream LockDirectory(string directory)
    {
        try
        {
            // Two processes on one data directory would corrupt it: the second one stops here instead.
            return new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"The embedded store's data directory {directory} is in use by another process ({ex.Message}).", ex);
        }
    }

    private static void DeleteTemporary(string? directory)
    {
        try
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded store: Garnet on 127.0.0.1:{Port}, data in {Directory}")]
    private static partial void LogStarted(ILogger logger, int port, string directory);
}
