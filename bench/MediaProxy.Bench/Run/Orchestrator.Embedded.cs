using System.Diagnostics;
using System.Globalization;
using System.Net;
using MediaProxy.Bench.Load;

namespace MediaProxy.Bench.Run;

/// <summary>
/// The embedded phase (issue 15): the proxy with no <c>ConnectionStrings:Redis</c>, on the Garnet server it starts
/// inside its own process, in memory and durable (a data directory), each on a fresh proxy: time to the first
/// request served, RSS with the queued phase's playbacks queued, and queued accepts against the same proxy on
/// redis-server measured in the same run (the queued phase's run, or one of its own when this phase runs alone).
/// </summary>
internal sealed partial class Orchestrator
{
    private async Task EmbeddedPhaseAsync(RedisStats stats)
    {
        var results = _results.Embedded;
        results.OnRedisFromQueuedPhase = _results.QueuedProxy is not null;
        results.OnRedis = _results.QueuedProxy;

        // The same proxy on redis-server, started the same way: the reference for the start-up figures, and for
        // the queued accepts when the queued phase did not run (then filled and measured as the embedded ones).
        await stats.FlushAsync();
        var reference = await StartTimedAsync("proxy-embedded-reference", QueuedSettings, "erboot");
        await using (var onRedis = reference.Proxy)
        {
            results.OnRedisStartUp = reference.StartUp;
            results.OnRedisRssQueuedBytes = _results.RssQueuedBytes;
            if (results.OnRedis is null)
            {
                var keys = Keys("er", _plan.QueuedPlaybacks);
                await PostAllAsync(keys, QueuedBodies(keys));
                await Task.Delay(TimeSpan.FromSeconds(2));
                results.OnRedisRssQueuedBytes = onRedis.ResidentBytes();
                Console.WriteLine($"  {keys.Length} playbacks queued; proxy RSS {results.OnRedisRssQueuedBytes / 1048576.0:F0} MB");
                results.OnRedis = await QueuedAcceptsAsync("queued accept: proxy on redis-server", onRedis, keys);
            }
        }

        await stats.FlushAsync();
        foreach (var run in new[] { new EmbeddedRun("in memory", durable: false), new EmbeddedRun("durable", durable: true) })
        {
            // The data directory, or the temporary folder the store spills to in memory: the proxy is killed, so it
            // cannot remove its own, and this one goes once the run is over.
            var directory = Directory.CreateTempSubdirectory("mediaproxy-bench-store-").FullName;
            try
            {
                results.Runs.Add(await EmbeddedRunAsync(run, directory));
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private async Task<EmbeddedRun> EmbeddedRunAsync(EmbeddedRun run, string directory)
    {
        var name = $"proxy-embedded-{(run.Durable ? "durable" : "memory")}";
        var prefix = run.Durable ? "ed" : "em";
        var keys = Keys(prefix, _plan.QueuedPlaybacks);
        var bodies = QueuedBodies(keys);
        var started = await StartTimedAsync(name, EmbeddedSettings(run.Durable, directory), $"{prefix}boot");
        await using var proxy = started.Proxy;
        run.StartUp = started.StartUp;
        run.RssFreshBytes = proxy.ResidentBytes();

        using (var control = new HttpClient { BaseAddress = new Uri(_upstream) })
        {
            (await control.PostAsync("/control/reset", null)).EnsureSuccessStatusCode();
        }

        var fill = Stopwatch.StartNew();
        run.Refused = await PostAllAsync(keys, bodies);
        run.FillPostsPerSecond = keys.Length / fill.Elapsed.TotalSeconds;
        run.Playbacks = keys.Length;
        await Task.Delay(TimeSpan.FromSeconds(2));
        run.RssQueuedBytes = proxy.ResidentBytes();
        run.HeldSessionCalls = (await UpstreamStatsAsync()).HeldSessionCalls;
        // Where the RSS goes: the GC heap holds Garnet's lists and hashes (its object store) as well as the proxy's own.
        run.GcHeapBytes = await MetricSumAsync("dotnet_gc_last_collection_heap_size");
        run.GcCommittedBytes = await MetricSumAsync("dotnet_gc_last_collection_memory_committed_size");
        Console.WriteLine($"  {keys.Length - run.Refused} of {keys.Length} playbacks queued ({run.FillPostsPerSecond:F0} posts/s, {run.HeldSessionCalls} sessions calls held); proxy RSS {run.RssQueuedBytes / 1048576.0:F0} MB (GC heap {run.GcHeapBytes / 1048576.0:F0} MB, committed {run.GcCommittedBytes / 1048576.0:F0} MB)");

        run.Queued = await QueuedAcceptsAsync($"queued accept: proxy on embedded Garnet, {run.Mode}", proxy, keys);
        run.RssAfterLoadBytes = proxy.ResidentBytes();
        return run;
    }

    /// <summary>The queued phase's proxy run: warm-up, then the best of <see cref="Plan.Repeats"/> closed-loop runs of single-event posts.</summary>
    private async Task<Measured> QueuedAcceptsAsync(string name, ChildProcess proxy, string[] keys)
    {
        await WarmUpAsync(_results.ProxyUrl, Singles(keys));
        Measured? best = null;
        for (var i = 0; i < _plan.Repeats; i++)
        {
            var measured = await MeasureAsync(name, _results.ProxyUrl, proxy, Singles(keys));
            best = best is null || measured.Result.PerSecond > best.Result.PerSecond ? measured : best;
        }

        return best!;
    }

    /// <summary>
    /// Starts the proxy and polls, every 10 ms from the moment the process is started, <c>/health/ready</c> until
    /// 200 and a post (sessionStart + 1 event, to a playback of its own) until 202.
    /// </summary>
    private async Task<(ChildProcess Proxy, StartUp StartUp)> StartTimedAsync(string name, IReadOnlyDictionary<string, string> settings, string prefix)
    {
        var bootKey = Keys(prefix, 1)[0];
        var clock = Stopwatch.StartNew();
        var (proxy, url) = LaunchProxy(name, settings);
        using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), UseProxy = false })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var load = new LoadGenerator(url, 1);
        var ready = SecondsUntilAsync(async () =>
        {
            using var response = await client.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        });
        var accepted = SecondsUntilAsync(async () =>
            await load.PostAsync(new LoadRequest(EventsPath(bootKey), EventBodies.StartWithEvents("never-boot", 0, 1))) == HttpStatusCode.Accepted);
        var ((readySeconds, _), (acceptedSeconds, cpuSeconds)) = (await ready, await accepted);
        var startUp = new StartUp(readySeconds, acceptedSeconds, cpuSeconds);
        Console.WriteLine($"{name} (pid {proxy.Pid}) on {url}: /health/ready 200 after {startUp.ReadySeconds:F2} s, first 202 after {startUp.FirstAcceptSeconds:F2} s (from process start; {startUp.CpuSeconds:F1} CPU s by then)");
        return (proxy, startUp);

        // Seconds since the process started, and the CPU seconds it had used, when the probe first succeeded.
        async Task<(double Seconds, double Cpu)> SecondsUntilAsync(Func<Task<bool>> probe)
        {
            await proxy.WaitReadyAsync(probe, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(10));
            return (clock.Elapsed.TotalSeconds, Cpu.Seconds(proxy.Pid));
        }
    }

    private static Dictionary<string, string> EmbeddedSettings(bool durable, string directory)
    {
        var settings = new Dictionary<string, string>(QueuedSettings, StringComparer.Ordinal)
        {
            // Empty, as in appsettings.json: the embedded store.
            ["ConnectionStrings__Redis"] = "",
            // Production refuses a store that is not durable; Staging differs from it only there and in the log format.
            ["ASPNETCORE_ENVIRONMENT"] = durable ? "Production" : "Staging",
            // The default cap on playbacks with work pending is the store's memory over 16 KB (4,096 with the
            // embedded store's 64 MB): it would refuse (503) the fill rather than measure it.
            ["MediaProxy__StoreGuard__MaxPendingPlaybacks"] = "1000000",
        };
        // Durable: AOF and checkpoints there. In memory: the store's spill folder, under the temporary path.
        settings[durable ? "MediaProxy__Embedded__DataDirectory" : "TMPDIR"] = directory;

        return settings;
    }

    /// <summary>The sum of every sample of a metric on the proxy's <c>/metrics</c> (0 when it has none).</summary>
    private async Task<long> MetricSumAsync(string name)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync($"{_results.ProxyUrl}/metrics");
        return (long)text.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{' or '_')
            .Sum(line => double.Parse(line[((line.Contains('}', StringComparison.Ordinal) ? line.LastIndexOf('}') : line.IndexOf(' ', StringComparison.Ordinal)) + 1)..]
                .Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }

    private static byte[][] QueuedBodies(string[] keys) => [.. keys.Select((_, i) => EventBodies.StartWithEvents($"never-{i}", i, 1))];
}
