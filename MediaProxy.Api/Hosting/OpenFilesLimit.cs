using System.Globalization;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// How many files, sockets included, this process may open (Linux's <c>RLIMIT_NOFILE</c>, read from
/// <c>/proc/self/limits</c>): every upstream call in flight holds a connection, and a process out of descriptors
/// fails its calls as if the upstream were down.
/// </summary>
internal static class OpenFilesLimit
{
    /// <summary>Descriptors kept for everything but upstream connections: players' connections, the store, files.</summary>
    public const int Reserve = 1_024;

    private const string Row = "Max open files";

    /// <summary>The soft limit; null where it cannot be read (not Linux) or is unlimited.</summary>
    public static long? Read()
    {
        try
        {
            return File.Exists("/proc/self/limits") ? Parse(File.ReadAllText("/proc/self/limits")) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The soft limit in the text of <c>/proc/self/limits</c>.</summary>
    public static long? Parse(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (line.StartsWith(Row, StringComparison.Ordinal))
            {
                var soft = line[Row.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
            }
        }

        return null;
    }
}
