using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using MediaProxy.Core.Queue;

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
    private readonly AofGroupCommit? _groupCommit;

    private EmbeddedGarnet(GarnetServer server, int port, FileStream? directoryLock, string? temporaryDirectory, AofGroupCommit? groupCommit)
    {
        (_server, Port, _lock, _temporaryDirectory, _groupCommit) = (server, port, directoryLock, temporaryDirectory, groupCommit);
    }

    public int Port { get; }

    /// <summary>When a write is durable: after its group commit with a data directory, at once in memory.</summary>
    public IStoreCommits Commits => (IStoreCommits?)_groupCommit ?? ImmediateCommits.Instance;

    /// <summary>The connection string StackExchange.Redis uses to reach it.</summary>
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>Starts the server; a setting Garnet refuses, or a data directory in use, fails with a clear message.</summary>
    public static EmbeddedGarnet Start(EmbeddedStoreOptions options, ILoggerFactory loggerFactory, TimeProvider? timeProvider = null)
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
            var store = server.Store;
            var groupCommit = options.Durable
                ? new AofGroupCommit(async token => await store.CommitAOFAsync(token), timeProvider ?? TimeProvider.System, logger)
                : null;
            LogStarted(logger, port, options.Durable ? directory : "memory (a temporary folder for spills)");
            return new EmbeddedGarnet(server, port, directoryLock, temporary, groupCommit);
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
        _groupCommit?.Dispose();
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
