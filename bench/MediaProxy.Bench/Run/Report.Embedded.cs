using System.Globalization;
using System.Text;

namespace MediaProxy.Bench.Run;

/// <summary>The embedded phase's rows of the figures table, and its part of the generated document.</summary>
internal static partial class Report
{
    /// <summary>Issue 15's targets for the embedded store.</summary>
    private const double EmbeddedFirstRequestSeconds = 3;
    private const double EmbeddedRssMegabytes = 250;
    private const double EmbeddedThroughputRatio = 0.8;

    /// <summary>The embedded rows alone (a run of that phase only).</summary>
    public static string EmbeddedTable(Results r) => Format(EmbeddedRows(r));

    private static List<string[]> EmbeddedRows(Results r)
    {
        var rows = new List<string[]>();
        var e = r.Embedded;
        if (e.OnRedis is not { } onRedis)
        {
            return rows;
        }

        var onRedisRate = onRedis.Result.PerSecond;
        foreach (var run in e.Runs)
        {
            var title = $"Embedded Garnet, {Describe(run)}";
            var start = run.StartUp!;
            var reference = e.OnRedisStartUp!;
            rows.Add([$"{title}: first request served, from process start", $"{start.FirstAcceptSeconds:F2} s to the first 202 ({start.CpuSeconds:F1} CPU s; /health/ready 200 at {start.ReadySeconds:F2} s)",
                $"{reference.FirstAcceptSeconds:F2} s ({reference.CpuSeconds:F1} CPU s) on redis-server", $"{start.FirstAcceptSeconds:F2} s",
                $"≤ {EmbeddedFirstRequestSeconds:F0} s", Met(start.FirstAcceptSeconds <= EmbeddedFirstRequestSeconds)]);

            var rss = run.RssQueuedBytes / 1048576.0;
            var refused = run.Refused > 0 ? $", **{run.Refused:N0} posts refused**" : "";
            rows.Add([$"{title}: proxy RSS (store included) with {run.Playbacks:N0} playbacks queued", $"{rss:F0} MB{refused}",
                $"{run.RssFreshBytes / 1048576.0:F0} MB fresh; on redis-server {e.OnRedisRssQueuedBytes / 1048576.0:F0} MB with them queued", $"{rss:F0} MB",
                $"≤ {EmbeddedRssMegabytes:F0} MB", Met(rss <= EmbeddedRssMegabytes && run.Refused == 0)]);

            var queued = run.Queued!.Result.PerSecond;
            rows.Add([$"{title}: queued accept throughput, single-event posts", $"{queued:F0} ev/s (CPU {CpuPerPost(run.Queued)} µs/post, store included)",
                $"{onRedisRate:F0} ev/s (same proxy on redis-server; CPU {CpuPerPost(onRedis)} µs/post + Redis {RedisCpuPerPost(onRedis)} µs)",
                $"{queued / onRedisRate:0.00}×", $"≥ {EmbeddedThroughputRatio:0.0}×", Met(queued / onRedisRate >= EmbeddedThroughputRatio)]);
        }

        return rows;
    }

    private static void EmbeddedSection(StringBuilder doc, Results r)
    {
        var e = r.Embedded;
        if (e.OnRedis is not { } onRedis)
        {
            return;
        }

        doc.AppendLine().AppendLine("### Embedded store (issue 15)").AppendLine();
        var reference = e.OnRedisStartUp!;
        doc.AppendLine(CultureInfo.InvariantCulture, $"- Start-up reference, the same proxy on redis-server started the same way: first 200 from `/health/ready` {reference.ReadySeconds:F2} s, first 202 {reference.FirstAcceptSeconds:F2} s after the process started ({reference.CpuSeconds:F1} CPU s by then); VmRSS with the same playbacks queued {e.OnRedisRssQueuedBytes / 1048576.0:F0} MB.");
        doc.AppendLine(CultureInfo.InvariantCulture, $"- Queued-accept reference, the proxy on redis-server ({(e.OnRedisFromQueuedPhase ? "the queued phase's best run" : "measured in this phase, the queued phase not run")}): {onRedis.Result.PerSecond:F0} posts/s, p50 {onRedis.Result.P50Ms:F2} ms, p99 {onRedis.Result.P99Ms:F2} ms, {onRedis.Result.Failed} failed; CPU per post: proxy {CpuPerPost(onRedis)} µs, redis-server {RedisCpuPerPost(onRedis)} µs.");
        foreach (var run in e.Runs)
        {
            var q = run.Queued!;
            var start = run.StartUp!;
            doc.AppendLine(CultureInfo.InvariantCulture, $"- Embedded Garnet, {Describe(run)}: first 200 from `/health/ready` {start.ReadySeconds:F2} s and first 202 {start.FirstAcceptSeconds:F2} s after the process started ({start.CpuSeconds:F1} CPU s by then); VmRSS {run.RssFreshBytes / 1048576.0:F0} MB fresh, {run.RssQueuedBytes / 1048576.0:F0} MB with {run.Playbacks - run.Refused:N0} of {run.Playbacks:N0} playbacks queued (GC heap {run.GcHeapBytes / 1048576.0:F0} MB after the last collection, {run.GcCommittedBytes / 1048576.0:F0} MB committed; posted at {run.FillPostsPerSecond:F0}/s; {run.HeldSessionCalls:N0} sessions calls held, the rest waiting for a slot), {run.RssAfterLoadBytes / 1048576.0:F0} MB after the queued-accept runs; queued accepts {q.Result.PerSecond:F0} posts/s ({q.Result.PerSecond / onRedis.Result.PerSecond:0.00}× the proxy on redis-server), p50 {q.Result.P50Ms:F2} ms, p99 {q.Result.P99Ms:F2} ms, {q.Result.Failed} failed, CPU {CpuPerPost(q)} µs per post (the store's included: it runs in the proxy's process).");
        }
    }

    private static string Describe(EmbeddedRun run) => run.Durable ? "durable (a data directory: the README's run, the container)" : "in memory (no data directory)";

    private static string CpuPerPost(Measured m) => (m.ServerCpuSeconds * 1e6 / Math.Max(1, m.Result.TotalSucceeded)).ToString("F0", Inv);

    private static string RedisCpuPerPost(Measured m) => (m.RedisCpuSeconds * 1e6 / Math.Max(1, m.Result.TotalSucceeded)).ToString("F0", Inv);

    private static string Met(bool met) => met ? "yes" : "**no**";
}
