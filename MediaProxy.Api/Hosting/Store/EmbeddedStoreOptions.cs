using System.ComponentModel.DataAnnotations;

namespace MediaProxy.Api.Hosting.Store;

/// <summary>
/// The embedded store: a Garnet server inside the process, used when <c>ConnectionStrings:Redis</c> is empty.
/// Bound from <c>MediaProxy:Embedded</c>.
/// </summary>
public sealed class EmbeddedStoreOptions
{
    public const string SectionName = "MediaProxy:Embedded";

    /// <summary>
    /// Where Garnet keeps its append-only file, checkpoints and spilled log: set, a 202 survives a crash or a
    /// restart of the process. Empty: the store lives in memory (spilling to a temporary folder) and is lost on exit.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Memory for the store's log (keys, values and the objects they hold, and the garbage updates leave until
    /// compaction); past it, records spill to disk, and the store guard refuses posts before that. Taken as the
    /// data grows, not at start-up. 256 MB holds about a million queued events: 10,000 players' pings for ten minutes.
    /// </summary>
    [Range(8, 64 * 1024)]
    public int MemoryMegabytes { get; set; } = 256;

    /// <summary>How often a checkpoint is taken (with a data directory), which bounds the log replayed at start-up.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Loopback port the embedded server listens on; 0 takes a free one.</summary>
    [Range(0, 65_535)]
    public int Port { get; set; }

    public bool Durable => !string.IsNullOrWhiteSpace(DataDirectory);
}
