using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MediaProxy.Bench.Run;

/// <summary>What the numbers were measured on: they only mean something next to this.</summary>
internal sealed record MachineInfo(int Cores, string CpuModel, double RamGiB, string Os, string Kernel, string Runtime, string Sdk, string Redis, string Yarp, DateTimeOffset Date, string LoadBefore, string LoadAfter)
{
    /// <summary>The 1/5/15-minute load averages: other work on the machine shows here, and skews every figure.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static Task<MachineInfo> ReadAsync(string sdk, string redis, string loadBefore)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var memKb = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "?"
            : RuntimeInformation.OSDescription;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "?";
        var yarp = FileVersionInfo.GetVersionInfo(typeof(Yarp.ReverseProxy.Configuration.RouteConfig).Assembly.Location).ProductVersion?.Split('+')[0] ?? "?";
        return Task.FromResult(new MachineInfo(Environment.ProcessorCount, cpu, long.Parse(memKb, System.Globalization.CultureInfo.InvariantCulture) / 1048576.0,
            os, kernel, RuntimeInformation.FrameworkDescription, sdk, redis, yarp, DateTimeOffset.UtcNow, loadBefore, LoadAverage()));
    }
}
