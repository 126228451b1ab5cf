using System.Globalization;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>The command line the embedded Garnet server is started with (Garnet's own option names).</summary>
internal static class GarnetArguments
{
    public static string[] For(EmbeddedStoreOptions options, int port, string directory)
    {
        var args = new List<string>
        {
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "-q",
            // Scripts as transactions: keys locked for the whole script, so each one is atomic as on Redis.
            "--lua", "true", "--lua-transaction-mode", "true",
            // Small, sized for a sidecar: the log's memory (objects included) and a hash index for ~250k keys,
            // grown when it fills.
            "--memory", Megabytes(options.MemoryMegabytes), "--page", "256k", "--index", "4m",
            "--index-max-size", "256m", "--index-resize-freq", "60",
            // Always a disk tier: past its memory Garnet otherwise drops the oldest records.
            "--storage-tier", "true", "--logdir", directory, "--segment", "32m", "--device-type", "RandomAccess",
            // Updated records leave garbage behind in a log-structured store; expired keys too.
            "--compaction-type", "Lookup", "--compaction-freq", "60", "--compaction-max-segments", "8",
            "--expired-key-deletion-scan-freq", "60",
            "--buffer-pool-memory-budget", "16m", "--logger-level", "Warning",
        };

        if (options.Durable)
        {
            // Commits are the proxy's (AofGroupCommit): a write a 202 rests on waits for its group's commit, so it
            // survives a crash of the process. Garnet's own commit wait blocks a network thread on every reply.
            args.AddRange(
            [
                "--aof", "true", "--aof-memory", "4m", "--aof-page-size", "1m", "--aof-commit-freq", "-1", "--aof-commit-wait", "false",
                "--checkpointdir", directory, "--recover", "true",
                "--checkpoint-freq", ((int)options.CheckpointInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ]);
        }

        return [.. args];
    }

    private static string Megabytes(int megabytes) => megabytes.ToString(CultureInfo.InvariantCulture) + "m";
}
