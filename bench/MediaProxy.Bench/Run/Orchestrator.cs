using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using MediaProxy.Bench.Load;
using MediaProxy.Bench.Servers;
using StackExchange.Redis;

namespace MediaProxy.Bench.Run;

/// <summary>
/// The whole run: starts Redis, the fake upstream, the baselines and the built proxy as separate processes on
/// loopback, drives each phase, and reports every figure as a ratio to what ran beside it on the same machine.
/// </summary>
internal sealed partial class Orchestrator : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly Plan _plan;
    private readonly string _apiDll;
    private readonly string _logDirectory;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];
    private readonly List<ChildProcess> _children = [];
    private readonly Results _results = new();
    private ConnectionMultiplexer? _redisClient;
    private ChildProcess? _proxy;
    private string _redis = "";
    private string _upstream = "";

    private Orchestrator(Plan plan, string apiDll, string logDirectory)
    {
        (_plan, _apiDll, _logDirectory) = (plan, apiDll, logDirectory);
        _results.Plan = plan;
    }

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var plan = args.Flag("quick") ? Plan.QuickPlan : Plan.Full;
        // --only live|queued|embedded|replay|outage [--seconds N] [--replay-events N]: one phase, measured longer, for
        // profiling (no document; the embedded and outage phases print their own rows of the table).
        var only = args.Get("only");
        if (args.Get("seconds") is { } seconds)
        {
            plan = plan with { Duration = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) };
        }

        if (args.Get("replay-events") is { } replayEvents)
        {
            // Profiling the replay: a longer drain than the document's 30 events per playback.
            plan = plan with { ReplayEventsPerPlayback = int.Parse(replayEvents, CultureInfo.InvariantCulture) };
        }

        var logDirectory = Directory.CreateTempSubdirectory("mediaproxy-bench-").FullName;
        Console.WriteLine($"MediaProxy benchmark ({(plan.Quick ? "quick: a few seconds per figure, numbers are NOT meaningful" : "full")}); logs in {logDirectory}");
        var started = Stopwatch.StartNew();
        var loadBefore = MachineInfo.LoadAverage();
        Results results;
        await using (var run = new Orchestrator(plan, Path.GetFullPath(args.Require("api-dll")), logDirectory))
        {
            results = await run.ExecuteAsync(args.Get("micro-dll"), only);
        }

        if (only is not null)
        {
            Console.WriteLine($"Load average before the run: {loadBefore}; after: {MachineInfo.LoadAverage()}.");
            if (only is "outage" or "embedded")
            {
                Console.WriteLine();
                Console.WriteLine(only == "outage" ? Report.OutageTable(results) : Report.EmbeddedTable(results));
            }

            return 0;
        }

        results.Environment = await MachineInfo.ReadAsync(args.Get("sdk") ?? "?", results.RedisVersion, loadBefore);
        Console.WriteLine($"Load average before the run: {loadBefore}; after: {results.Environment.LoadAfter} (other work on the machine skews every figure).");
        var table = Report.Table(results);
        Console.WriteLine();
        Console.WriteLine(table);
        if (!plan.Quick && args.Get("doc") is { } doc)
        {
            await Report.WriteDocumentAsync(doc, results, table);
            Console.WriteLine($"Wrote {doc}");
        }

        Console.WriteLine($"Benchmark finished in {started.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }

    private async Task<Results> ExecuteAsync(string? microDll, string? only)
    {
        await StartInfrastructureAsync();
        var stats = new RedisStats(_redisClient!);
        _results.RedisVersion = await stats.VersionAsync();

        // A fresh proxy (and an empty Redis) per phase: the queued phase leaves every worker stuck in a sessions
        // call that never returns, and its RSS figure must not include what an earlier phase left on the heap.
        if (only is null or "queued")
        {
            await using var proxy = await StartProxyAsync("proxy-queued", QueuedSettings);
            await QueuedPhaseAsync(proxy, stats);
        }

        // After the queued phase: its proxy on redis-server is the embedded store's reference, in the same run.
        if (only is null or "embedded")
        {
            await EmbeddedPhaseAsync(stats);
        }

        if (only is null or "live")
        {
            await stats.FlushAsync();
            await using var proxy = await StartProxyAsync("proxy-live", HeldSessionCalls);
            await LivePhaseAsync(proxy);
        }

        if (only is null or "replay")
        {
            await stats.FlushAsync();
            await using var proxy = await StartProxyAsync("proxy-replay", ReplaySettings);
            await ReplayPhaseAsync(proxy);
        }

        if (only is null or "outage")
        {
            await OutagePhaseAsync(stats);
        }

        if (microDll is not null && only is null)
        {
            await MicroAsync(microDll);
        }

        return _results;
    }

    // ---------------------------------------------------------------- processes

    private async Task StartInfrastructureAsync()
    {
        var self = Environment.ProcessPath!;
        var selfArgs = self.EndsWith("dotnet", StringComparison.Ordinal) ? new[] { typeof(Orchestrator).Assembly.Location } : [];
        var redisPort = ChildProcess.FreePort();
        var redis = Start("redis", "redis-server", ["--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"]);
        _redis = $"127.0.0.1:{redisPort}";
        await redis.WaitReadyAsync(async () =>
        {
            _redisClient = await ConnectionMultiplexer.ConnectAsync($"{_redis},allowAdmin=true,abortConnect=true,connectTimeout=500");
            return true;
        }, TimeSpan.FromSeconds(20));

        var upstreamPort = ChildProcess.FreePort();
        _upstream = $"http://127.0.0.1:{upstreamPort}";
        var upstream = Start("upstream", self, [.. selfArgs, "upstream", "--port", $"{upstreamPort}"]);
        _results.BareUrl = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var bare = Start("bare", self, [.. selfArgs, "bare", "--port", Port(_results.BareUrl)]);
        _results.RpushUrl = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var rpush = Start("rpush", self, [.. selfArgs, "rpush", "--port", Port(_results.RpushUrl), "--redis", _redis]);
        _results.YarpUrl = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var yarp = Start("yarp", self, [.. selfArgs, "yarp", "--port", Port(_results.YarpUrl), "--upstream", _upstream]);
        await Task.WhenAll(
            upstream.WaitHttpReadyAsync($"{_upstream}/ready", TimeSpan.FromSeconds(30)),
            bare.WaitHttpReadyAsync($"{_results.BareUrl}/ready", TimeSpan.FromSeconds(30)),
            rpush.WaitHttpReadyAsync($"{_results.RpushUrl}/ready", TimeSpan.FromSeconds(30)),
            yarp.WaitHttpReadyAsync($"{_results.YarpUrl}/ready", TimeSpan.FromSeconds(30)));
        Console.WriteLine($"redis-server {_redis}, fake upstream {_upstream}, baselines bare/rpush/yarp ready");

        static string Port(string url) => new Uri(url).Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// What the queued, live and replay phases add to the defaults: a sessions call that "never returns" must never
    /// return for the length of the run, not time out and be tried again (AttemptTimeout is the first sessions call's
    /// timeout, MaxSessionsAttemptTimeout that of a playback's next try). The outage phase keeps the defaults.
    /// </summary>
    private static readonly Dictionary<string, string> HeldSessionCalls = new(StringComparer.Ordinal)
    {
        ["MediaProxy__Upstream__AttemptTimeout"] = "00:05:00",
        ["MediaProxy__Upstream__MaxSessionsAttemptTimeout"] = "00:10:00",
    };

    /// <summary>
    /// The replay phase holds every sessions call of a round (1,000) at once, then releases them together: a ceiling
    /// whose starting point (a sixteenth: 4,096) lets them all out before any is answered, even after the warm-up
    /// rounds' held (slow) answers have cut it a few times.
    /// </summary>
    private static readonly Dictionary<string, string> ReplaySettings = new(HeldSessionCalls, StringComparer.Ordinal)
    {
        ["MediaProxy__Upstream__MaxConcurrentSessionCalls"] = "65536",
    };

    /// <summary>
    /// The queued phase also renews leases every 100 s instead of every 1.7 s. Each held sessions call holds its
    /// playback's lease (1,024 at once by default: the sessions limit's starting point), and renewing them is a round of
    /// scripts every third of <c>LeaseTtl</c>: a background too lumpy for a 5 s idle sample to subtract from the
    /// counted run (whole rounds fall in or out of either window), and it is not the accept path. With a 5 min lease
    /// the first round comes about 100 s after start-up, after the counted run.
    /// </summary>
    private static readonly Dictionary<string, string> QueuedSettings = new(HeldSessionCalls, StringComparer.Ordinal)
    {
        ["MediaProxy__Playbacks__LeaseTtl"] = "00:05:00",
    };

    private async Task<ChildProcess> StartProxyAsync(string name, IReadOnlyDictionary<string, string>? settings = null)
    {
        var (proxy, url) = LaunchProxy(name, settings);
        await proxy.WaitHttpReadyAsync($"{url}/health/ready", TimeSpan.FromSeconds(60));
        Console.WriteLine($"{name} (pid {proxy.Pid}) ready on {url}");
        return proxy;
    }

    /// <summary>Starts the built proxy on a free port with the bench's settings plus <paramref name="settings"/>; does not wait.</summary>
    private (ChildProcess Proxy, string Url) LaunchProxy(string name, IReadOnlyDictionary<string, string>? settings)
    {
        var port = ChildProcess.FreePort();
        var url = $"http://127.0.0.1:{port}";
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Redis"] = _redis,
            ["MediaProxy__Upstream__BaseUrl"] = _upstream,
            ["MediaProxy__RateLimits__Enabled"] = "false",
            // Caps that would refuse the load (429) rather than measure it.
            ["MediaProxy__Playbacks__MaxQueuedEvents"] = "1000000",
            ["MediaProxy__Playbacks__MaxHeldEvents"] = "1000000",
            // The replay phase's probe playbacks never send a sessionStart; their events are held (2 KB by default).
            ["MediaProxy__Playbacks__MaxHeldBytes"] = "16777216",
            // This Redis has no maxmemory: the guard's 512 MB default would refuse (503) the queued phase's fill.
            ["MediaProxy__StoreGuard__MaxMemoryBytes"] = "17179869184",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var proxy = ChildProcess.Start(name, "dotnet", [_apiDll, "--urls", url], _logDirectory, environment, Path.GetDirectoryName(_apiDll));
        _children.Add(proxy);
        _proxy = proxy;
        _results.ProxyUrl = url;
        return (proxy, url);
    }

    private ChildProcess Start(string name, string file, string[] args)
    {
        var child = ChildProcess.Start(name, file, args, _logDirectory);
        _children.Add(child);
        return child;
    }

    private ChildProcess RedisProcess => Child("redis");

    private ChildProcess Child(string name) => _children.First(c => c.Name == name);

    public async ValueTask DisposeAsync()
    {
        _redisClient?.Dispose();
        foreach (var child in Enumerable.Reverse(_children))
        {
            await child.DisposeAsync();
        }
    }

    // ---------------------------------------------------------------- phases

    /// <summary>Live forwarding: playbacks whose sessions exist, each post forwarded directly; YARP alongside.</summary>
    private async Task LivePhaseAsync(ChildProcess proxy)
    {
        var keys = await StartLivePlaybacksAsync();
        await WarmUpAsync(_results.ProxyUrl, Singles(keys));
        await WarmUpAsync(_results.YarpUrl, Singles(keys));
        var before = await UpstreamStatsAsync();
        (_results.LiveProxy, _results.Yarp) = await AlternateAsync(
            () => MeasureAsync("live forward: proxy", _results.ProxyUrl, proxy, Singles(keys)),
            () => MeasureAsync("live forward: YARP", _results.YarpUrl, Child("yarp"), Singles(keys)));
        var after = await UpstreamStatsAsync();
        // Every post answered 202 by the proxy or YARP must have reached the upstream (nothing queued behind).
        _results.LiveUpstreamEvents = after.Events - before.Events;
        _results.LivePosts = _results.LivePostsTotal;
        _results.Bare = await MeasureAsync("bare 202", _results.BareUrl, Child("bare"), Singles(keys));
    }

    /// <summary>Playbacks whose sessions exist (state live): every post to them is forwarded directly.</summary>
    private async Task<string[]> StartLivePlaybacksAsync()
    {
        var keys = Keys("live", _plan.LivePlaybacks);
        using var load = new LoadGenerator(_results.ProxyUrl, _plan.Connections);
        await ForEachAsync(keys.Length, i => load.PostAsync(new LoadRequest(EventsPath(keys[i]),
            Encoding.UTF8.GetBytes(EventBodies.SessionStart($"live-{i}", i)))));
        await WaitAsync(async () =>
        {
            var live = 0;
            foreach (var key in keys)
            {
                var status = await load.GetStringAsync($"/v1/playbacks/{key}");
                live += status.Contains("\"state\":\"live\"", StringComparison.Ordinal) ? 1 : 0;
            }

            return live == keys.Length;
        }, TimeSpan.FromSeconds(60), "live playbacks");
        return keys;
    }

    /// <summary>Queued accepts: every sessions call hangs, so every event is queued in Redis.</summary>
    private async Task QueuedPhaseAsync(ChildProcess proxy, RedisStats stats)
    {
        _results.RssIdleBytes = proxy.ResidentBytes();
        using (var control = new HttpClient { BaseAddress = new Uri(_upstream) })
        {
            (await control.PostAsync("/control/reset", null)).EnsureSuccessStatusCode();
        }

        var keys = Keys("q", _plan.QueuedPlaybacks);
        var bodies = keys.Select((_, i) => EventBodies.StartWithEvents($"never-{i}", i, 1)).ToArray();
        var setup = Stopwatch.StartNew();
        await PostAllAsync(keys, bodies);
        _results.StartPostsPerSecond = keys.Length / setup.Elapsed.TotalSeconds;

        await Task.Delay(TimeSpan.FromSeconds(2));
        _results.RssQueuedBytes = proxy.ResidentBytes();
        _results.RssPlaybacks = keys.Length;
        _results.RssHeldSessionCalls = (await UpstreamStatsAsync()).HeldSessionCalls;
        Console.WriteLine($"{keys.Length} playbacks queued (sessions calls held); proxy RSS {_results.RssQueuedBytes / 1048576.0:F0} MB");

        // Background Redis work of an idle proxy (lease renewals, pending-index sweeps, memory guard INFO).
        await stats.ResetAsync();
        var idle = Stopwatch.StartNew();
        await Task.Delay(_plan.IdleWindow);
        _results.BackgroundCalls = await stats.CommandCallsAsync();
        _results.BackgroundSeconds = idle.Elapsed.TotalSeconds;
        Console.WriteLine($"  background while idle: {_results.BackgroundCalls.Values.Sum() / _results.BackgroundSeconds:F0} commands/s ({string.Join(", ", _results.BackgroundCalls.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value / _results.BackgroundSeconds:F0}/s"))})");

        await WarmUpAsync(_results.ProxyUrl, Singles(keys));
        await WarmUpAsync(_results.RpushUrl, Singles(keys));
        await WarmUpAsync(_results.ProxyUrl, Arrays(keys));

        // Command counts: one proxy run on its own, so nothing else touches Redis but the proxy's background work.
        await stats.ResetAsync();
        _results.CountedRun = await MeasureAsync("queued accept: proxy (Redis commands counted)", _results.ProxyUrl, proxy, Singles(keys));
        _results.QueuedCalls = await stats.CommandCallsAsync();
        Console.WriteLine($"  Redis round trips per post (background subtracted): {_results.RoundTripsPerEvent():F3}");

        (_results.QueuedProxy, _results.Rpush) = await AlternateAsync(
            () => MeasureAsync("queued accept: proxy", _results.ProxyUrl, proxy, Singles(keys)),
            () => MeasureAsync("RPUSH + 202 baseline", _results.RpushUrl, Child("rpush"), Singles(keys)));
        (_results.ArraysProxy, _) = await AlternateAsync(
            () => MeasureAsync("queued accept, 20-event arrays: proxy", _results.ProxyUrl, proxy, Arrays(keys)),
            () => Task.FromResult(_results.QueuedProxy));
        _results.RssAfterLoadBytes = proxy.ResidentBytes();

        long memory = 0, json = 0, events = 0, meta = 0;
        foreach (var key in keys.Take(_plan.MemorySampleKeys))
        {
            var (m, j, n) = await stats.ListUsageAsync($"mp:{{{key}}}:q");
            (memory, json, events) = (memory + m, json + j, events + n);
            meta += await stats.KeyMemoryAsync($"mp:{{{key}}}:meta");
        }

        _results.QueueMemory = (memory, json, events, meta, Math.Min(keys.Length, _plan.MemorySampleKeys));
        _results.UsedMemory = await stats.UsedMemoryAsync();

        // "Never returns" held for the whole phase: the calls that went out are all still held, none was tried again.
        var end = await UpstreamStatsAsync();
        _results.QueuedSessionCalls = (end.Calls, end.HeldSessionCalls);
        Console.WriteLine($"  sessions calls: {end.Calls} received, {end.HeldSessionCalls} still held at the end of the phase");
    }

    /// <summary>Replay: many playbacks queue while their sessions calls are held, then all are released at once.</summary>
    private async Task ReplayPhaseAsync(ChildProcess proxy)
    {
        var probes = Keys("probe", Plan.ProbePlaybacks);
        using var load = new LoadGenerator(_results.ProxyUrl, _plan.Connections);
        // Probe playbacks never send a sessionStart: their posts take the whole accept path (parse, Accept script,
        // RPUSH) and create no background work of their own, so they measure the accept path alone.
        await ForEachAsync(probes.Length, i => load.PostAsync(new LoadRequest(EventsPath(probes[i]), EventBodies.Singles[0])));
        LoadRequest Probe(long i) => new(EventsPath(probes[i % probes.Length]), EventBodies.Singles[(int)(i % EventBodies.Singles.Count)]);

        // A fresh proxy: warm up the replay path (tiered JIT, connection pools) and the probe before measuring either.
        for (var round = 0; round < (_plan.Quick ? 1 : 3); round++)
        {
            await ReplayRoundAsync(load, $"w{round}", _plan.Quick ? 64 : 256, _plan.Quick ? 5 : 20, probe: null);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        await load.OpenLoopAsync(_plan.ProbeRate, _plan.Warmup, Probe);
        _results.ProbeIdle = await load.OpenLoopAsync(_plan.ProbeRate, _plan.ProbeDuration, Probe);
        Console.WriteLine($"  accept latency, idle: p50 {_results.ProbeIdle.P50Ms:F2} ms, p99 {_results.ProbeIdle.P99Ms:F2} ms ({_results.ProbeIdle.Sent} posts at {_plan.ProbeRate}/s)");

        using (var direct = new LoadGenerator(_upstream, Plan.UpstreamConnections))
        {
            _results.UpstreamCapacity = await MeasureAsync("fake upstream capacity (direct, 64 connections)", _upstream, Child("upstream"), direct,
                (w, i) => new LoadRequest($"/api/v1/sessions/capacity{w}/events", EventBodies.Singles[(int)((w + i) % EventBodies.Singles.Count)]), Plan.UpstreamConnections);
        }

        _results.Drain = await ReplayRoundAsync(load, "a", _plan.ReplayPlaybacks, _plan.ReplayEventsPerPlayback, probe: null);
        Console.WriteLine($"  replay drain: {_results.Drain.Events} events in {_results.Drain.SpanSeconds:F2} s = {_results.Drain.PerSecond:F0}/s ({_results.Drain.FromReleasePerSecond:F0}/s from release); CPU per event: proxy {_results.Drain.ProxyCpuPerEvent * 1e6:F0} µs, Redis {_results.Drain.RedisCpuPerEvent * 1e6:F0} µs, upstream {_results.Drain.UpstreamCpuPerEvent * 1e6:F0} µs");
        // The probe sees a few hundred posts per release, so its p99 is one of its worst few posts: one stray stall on
        // the machine moves it. Several releases, their probes pooled into one distribution, measure the same thing
        // steadier.
        var pooled = LoadGenerator.NewHistogram();
        var rounds = _results.ProbeReplayRounds;
        for (var round = 0; round < _plan.Repeats; round++)
        {
            var probed = await ReplayRoundAsync(load, $"b{round}", _plan.ReplayPlaybacks, _plan.ReplayEventsPerPlayback, Probe, pooled);
            _results.DrainWithProbe ??= probed;
            rounds.Add(probed.Probe!);
            Console.WriteLine($"  accept latency during replay {round + 1}: p50 {probed.Probe!.P50Ms:F2} ms, p99 {probed.Probe.P99Ms:F2} ms ({probed.Probe.Sent} posts)");
        }

        _results.ProbeReplay = LoadGenerator.Summary(pooled, rounds.Sum(p => p.Sent), rounds.Sum(p => p.Failed));
        Console.WriteLine($"  accept latency during replay, {_plan.Repeats} releases pooled: p50 {_results.ProbeReplay.P50Ms:F2} ms, p99 {_results.ProbeReplay.P99Ms:F2} ms ({_results.ProbeReplay.Sent} posts)");
    }

    private async Task<DrainResult> ReplayRoundAsync(LoadGenerator load, string gate, int playbacks, int eventsPerPlayback, Func<long, LoadRequest>? probe,
        LongConcurrentHistogram? pooled = null)
    {
        var keys = Keys($"r{gate}", playbacks);
        await ForEachAsync(keys.Length, i => load.PostAsync(new LoadRequest(EventsPath(keys[i]),
            EventBodies.StartWithEvents($"gate-{gate}-{i}", i, eventsPerPlayback))));
        var expected = (long)keys.Length * eventsPerPlayback;
        // Every sessions call of the round goes out at once (ReplaySettings: the sessions limit starts at 16,384,
        // above any round): all held means every event of the round is queued before the release.
        var held = keys.Length;
        await WaitAsync(async () => (await UpstreamStatsAsync()).HeldSessionCalls >= held, TimeSpan.FromSeconds(60), "held sessions calls");

        using var client = new HttpClient { BaseAddress = new Uri(_upstream) };
        (await client.PostAsync("/control/reset", null)).EnsureSuccessStatusCode();
        var released = Stopwatch.StartNew();
        (await client.PostAsync($"/control/release/{gate}", null)).EnsureSuccessStatusCode();

        var proxyCpu = Cpu.Seconds(_proxy!.Pid);
        var redisCpu = Cpu.Seconds(RedisProcess.Pid);
        var upstreamCpu = Cpu.Seconds(Child("upstream").Pid);
        using var drained = new CancellationTokenSource();
        var probing = probe is null ? null : load.OpenLoopAsync(_plan.ProbeRate, _plan.ProbeDuration, probe, pooled, drained.Token);
        UpstreamStats stats;
        var timeout = TimeSpan.FromSeconds(_plan.Quick ? 60 : 600);
        while ((stats = await UpstreamStatsAsync()).Events < expected && released.Elapsed < timeout)
        {
            await Task.Delay(20);
        }

        var fromRelease = released.Elapsed.TotalSeconds;
        var cpu = (Proxy: Cpu.Seconds(_proxy.Pid) - proxyCpu, Redis: Cpu.Seconds(RedisProcess.Pid) - redisCpu, Upstream: Cpu.Seconds(Child("upstream").Pid) - upstreamCpu);
        await drained.CancelAsync();
        var probed = probing is null ? null : await probing;
        return new DrainResult(stats.Events, expected, stats.EventSpanSeconds, fromRelease, probed)
        {
            ProxyCpuPerEvent = cpu.Proxy / Math.Max(1, stats.Events),
            RedisCpuPerEvent = cpu.Redis / Math.Max(1, stats.Events),
            UpstreamCpuPerEvent = cpu.Upstream / Math.Max(1, stats.Events),
        };
    }

    private async Task MicroAsync(string microDll)
    {
        var artifacts = Path.Combine(_logDirectory, "micro");
        Console.WriteLine("BenchmarkDotNet micro-benchmarks …");
        var micro = ChildProcess.Start("micro", "dotnet", _plan.Quick ? [microDll, "--artifacts", artifacts, "--dry"] : [microDll, "--artifacts", artifacts],
            _logDirectory, new Dictionary<string, string>(StringComparer.Ordinal) { ["MEDIAPROXY_BENCH_REDIS"] = _redis });
        _children.Add(micro);
        var deadline = Stopwatch.StartNew();
        while (!micro.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(15))
        {
            await Task.Delay(200);
        }

        var reports = Directory.Exists(Path.Combine(artifacts, "results"))
            ? Directory.GetFiles(Path.Combine(artifacts, "results"), "*-report-github.md").Order(StringComparer.Ordinal).ToArray()
            : [];
        _results.Micro = reports.Length == 0
            ? $"(no BenchmarkDotNet report: see {Path.Combine(_logDirectory, "micro.log")})"
            : string.Join("\n\n", reports.Select(File.ReadAllText)).Trim();
        Console.WriteLine(_results.Micro);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Load that is not measured: brings the server's code to its optimised tier and fills connection pools.</summary>
    private async Task WarmUpAsync(string url, Func<int, long, LoadRequest> next)
    {
        using var load = new LoadGenerator(url, _plan.Connections);
        var result = await load.ClosedLoopAsync(_plan.Connections, TimeSpan.Zero, _plan.ServerWarmup, next);
        Console.WriteLine($"  (warm-up {url}: {result.PerSecond:F0} posts/s)");
    }

    /// <summary>Runs A and B alternately <see cref="Plan.Repeats"/> times; the best (highest rate) of each counts.</summary>
    private async Task<(Measured A, Measured B)> AlternateAsync(Func<Task<Measured>> a, Func<Task<Measured>> b)
    {
        Measured? bestA = null, bestB = null;
        for (var i = 0; i < _plan.Repeats; i++)
        {
            var ma = await a();
            bestA = bestA is null || ma.Result.PerSecond > bestA.Result.PerSecond ? ma : bestA;
            var mb = await b();
            bestB = bestB is null || mb.Result.PerSecond > bestB.Result.PerSecond ? mb : bestB;
        }

        return (bestA!, bestB!);
    }

    private async Task<Measured> MeasureAsync(string name, string url, ChildProcess? server, Func<int, long, LoadRequest> next)
    {
        using var load = new LoadGenerator(url, _plan.Connections);
        return await MeasureAsync(name, url, server, load, next, _plan.Connections);
    }

    /// <summary>A closed-loop run, with the CPU seconds the server under load and Redis spent meanwhile.</summary>
    private async Task<Measured> MeasureAsync(string name, string url, ChildProcess? server, LoadGenerator load, Func<int, long, LoadRequest> next, int workers)
    {
        var serverCpu = server is null ? 0 : Cpu.Seconds(server.Pid);
        var redisCpu = Cpu.Seconds(RedisProcess.Pid);
        var result = await load.ClosedLoopAsync(workers, _plan.Warmup, _plan.Duration, next);
        if (name == "live forward: proxy")
        {
            _results.LivePostsTotal += result.TotalSucceeded;
        }
        else if (name == "live forward: YARP")
        {
            _results.YarpPostsTotal += result.TotalSucceeded;
        }

        var measured = new Measured(name, url, result,
            server is null ? 0 : Cpu.Seconds(server.Pid) - serverCpu, Cpu.Seconds(RedisProcess.Pid) - redisCpu);
        var cpu = server is null || result.TotalSucceeded == 0 ? "" : $", server CPU {measured.ServerCpuSeconds * 1e6 / result.TotalSucceeded:F0} µs/post";
        Console.WriteLine($"  {name}: {result.PerSecond:F0} posts/s (p50 {result.P50Ms:F2} ms, p99 {result.P99Ms:F2} ms, {result.Failed} failed{(result.Failed > 0 ? $": {result.FirstFailure}" : "")}{cpu})");
        return measured;
    }

    /// <summary>Worker w posts to its own keys only (w, w+N, …): no two posts of one playback overlap, as with a real player.</summary>
    private Func<int, long, LoadRequest> Singles(string[] keys) => (w, i) =>
        new LoadRequest(EventsPath(keys[OwnKey(keys.Length, w, i)]), EventBodies.Singles[(int)((w + i) % EventBodies.Singles.Count)]);

    private Func<int, long, LoadRequest> Arrays(string[] keys) => (w, i) =>
        new LoadRequest(EventsPath(keys[OwnKey(keys.Length, w, i)]), EventBodies.Arrays20[(int)((w + i) % EventBodies.Arrays20.Count)]);

    private int OwnKey(int count, int worker, long i)
    {
        var perWorker = Math.Max(1, count / _plan.Connections);
        return (int)((worker + (_plan.Connections * (i % perWorker))) % count);
    }

    private string[] Keys(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{_tag}-{i:D8}")];

    private static string EventsPath(string key) => $"/v1/playbacks/{key}/events";

    private async Task ForEachAsync(int count, Func<int, Task> action) =>
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = _plan.Connections },
            async (i, _) => await action(i));

    private async Task<UpstreamStats> UpstreamStatsAsync()
    {
        using var client = new HttpClient();
        return (await client.GetFromJsonAsync<UpstreamStats>($"{_upstream}/stats", Web))!;
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds} s for {what}.");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>CPU seconds (user + system) a process has used, from /proc/&lt;pid&gt;/stat.</summary>
internal static class Cpu
{
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of stat(5) (utime, stime), counted after the command name; clock ticks of 1/100 s.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
