using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MediaProxy.Bench.Load;
using MediaProxy.Bench.Servers;

namespace MediaProxy.Bench.Run;

/// <summary>
/// The outage phase (issue 14), each part on a fresh proxy with default settings (the bench's usual overrides aside)
/// and an emptied Redis: a flash crowd on a 2 s sessions call; the same crowd on an upstream that answers 429 past a
/// number of concurrent sessions calls; both crowds again on a proxy whose first round of sessions calls is the
/// crowd's size (<c>InitialConcurrentSessionCalls</c>, the setting for deployments that expect crowds); playbacks
/// waiting through 503s, then a hang, then recovery.
/// </summary>
internal sealed partial class Orchestrator
{
    private OutagePlan Outage => _plan.Outage;

    private async Task OutagePhaseAsync(RedisStats stats)
    {
        var results = _results.Outage;
        results.LiveForward = _results.LiveProxy;
        if (results.LiveForward is null)
        {
            // Run alone: the drain is compared with the proxy's live-forward rate, measured here first.
            await stats.FlushAsync();
            await using var live = await StartProxyAsync("proxy-outage-live", HeldSessionCalls);
            var keys = await StartLivePlaybacksAsync();
            await WarmUpAsync(_results.ProxyUrl, Singles(keys));
            results.LiveForward = await MeasureAsync("live forward: proxy (the drain's reference)", _results.ProxyUrl, live, Singles(keys));
        }

        results.Flash = await FlashCrowdAsync("flash", stats, settings: null);
        results.Capped = await CappedCrowdAsync("capped", stats, settings: null);

        // The same two crowds on a proxy configured for them: its first round of sessions calls as large as the crowd.
        var sized = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MediaProxy__Upstream__InitialConcurrentSessionCalls"] = Outage.FlashPlaybacks.ToString(CultureInfo.InvariantCulture),
        };
        results.SizedFlash = await FlashCrowdAsync("sizedflash", stats, sized);
        results.SizedCapped = await CappedCrowdAsync("sizedcapped", stats, sized);
        await WaitingThroughOutageAsync(stats);
    }

    /// <summary>
    /// Playbacks (sessionStart + 9 events) posted to a failing upstream; once the proxy takes it as down, a window
    /// of 503s and a window of no answer at all, each measured; then healthy again, until every event is delivered.
    /// </summary>
    private async Task WaitingThroughOutageAsync(RedisStats stats)
    {
        var results = _results.Outage;
        var playbacks = Outage.WaitingPlaybacks;
        await stats.FlushAsync();
        await ControlAsync("mode/failing", "session-latency/0", "session-capacity/0", "reset");
        await using var proxy = await StartProxyAsync("proxy-outage");
        var keys = Keys("wait", playbacks);
        var events = keys.Select((_, i) => EventBodies.OrderedPlayback($"wait-{i}", i, OutagePlan.EventsPerWaitingPlayback)).ToArray();
        var watch = Stopwatch.StartNew();
        var refused = await PostAllAsync(keys, [.. events.Select(EventBodies.Array)]);
        results.WaitingPosts = playbacks - refused;
        results.WaitingPostingSeconds = watch.Elapsed.TotalSeconds;
        if (await TryWaitAsync(async () => await GaugeAsync("mediaproxy_upstream_available") == 0, TimeSpan.FromSeconds(60)))
        {
            results.DownAfterSeconds = watch.Elapsed.TotalSeconds;
        }

        Console.WriteLine($"  {results.WaitingPosts} playbacks waiting (posted in {results.WaitingPostingSeconds:F1} s); upstream down after {results.DownAfterSeconds:F1} s");
        results.Failing = await DownWindowAsync("failing", Outage.Failing, proxy, stats);
        results.Memory = await WaitingMemoryAsync(keys, events, stats);
        var m = results.Memory;
        Console.WriteLine($"  Redis memory of a waiting playback: {m.BytesPerPlayback:F0} B (meta {(double)m.MetaBytes / m.Sampled:F0}, queue {(double)m.QueueBytes / m.Sampled:F0}, other {(double)m.OtherBytes / m.Sampled:F0}, index {m.IndexBytesPerPlayback:F0}) for {m.JsonPerPlayback:F0} B of JSON ({m.Ratio:F2}×)");
        await ControlAsync("mode/hanging");
        results.Hanging = await DownWindowAsync("hanging", Outage.Hanging, proxy, stats);

        var expected = (long)playbacks * OutagePlan.EventsPerWaitingPlayback;
        var before = await UpstreamStatsAsync();
        var cpu = Cpu.Seconds(proxy.Pid);
        await ControlAsync("mode/healthy");
        var recovery = Stopwatch.StartNew();
        var (upstream, now, complete) = await WaitForEventsAsync(expected, recovery, TimeSpan.FromMinutes(_plan.Quick ? 3 : 20));
        var proxyCpu = Cpu.Seconds(proxy.Pid) - cpu;
        await Task.Delay(TimeSpan.FromSeconds(1)); // anything sent twice arrives now, and counts
        var settled = await UpstreamStatsAsync();
        results.Recovery = new RecoveryResult(playbacks, expected, settled.Events, Ago(now, upstream.SinceFirstEventSeconds), Ago(now, upstream.SinceLastEventSeconds),
            settled.Sessions, settled.MaxSessionsPerMedia, settled.OrderViolations, await FailedPlaybacksAsync(), proxyCpu, settled.Calls - before.Calls, complete);
        var r = results.Recovery;
        Console.WriteLine($"  recovery: {r.Events} of {r.ExpectedEvents} events, first after {r.FirstEventSeconds:F1} s, last after {r.LastEventSeconds:F1} s ({r.PerSecond:F0}/s; {r.ResumedPerSecond:F0}/s from the first); {r.OrderViolations} out of order; {r.Sessions} sessions, at most {r.MaxSessionsPerPlayback} per playback; {r.FailedPlaybacks} failed; proxy CPU {r.ProxyCpuPerEvent * 1e6:F0} µs/event");
    }

    /// <summary>One window while the upstream is down: Redis commands, proxy CPU and upstream calls over it.</summary>
    private async Task<DownWindow> DownWindowAsync(string mode, TimeSpan duration, ChildProcess proxy, RedisStats stats)
    {
        // The bench's own commands are left out: CONFIG RESETSTAT here, and the INFO that reads the counts.
        await stats.ResetAsync();
        var calls = (await UpstreamStatsAsync()).Calls;
        var cpu = Cpu.Seconds(proxy.Pid);
        var watch = Stopwatch.StartNew();
        await Task.Delay(duration);
        var commands = await stats.CommandCallsAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        var window = new DownWindow(mode, seconds, commands, Cpu.Seconds(proxy.Pid) - cpu, (await UpstreamStatsAsync()).Calls - calls,
            await GaugeAsync("mediaproxy_upstream_available") == 0);
        Console.WriteLine($"  down, {mode}, {seconds:F0} s: Redis {window.CommandsPerSecond:F1} commands/s ({string.Join(", ", commands.Where(c => c.Value > 0).Select(c => $"{c.Key} {c.Value}"))}); proxy CPU {window.CpuPercent:F2} % of a core; {window.UpstreamCalls} upstream calls ({window.CallsPerProbeInterval:F2} per probe interval); still down: {window.DownAtEnd}");
        return window;
    }

    /// <summary>Every key of sampled waiting playbacks, and their share of the pending index, against their events' JSON.</summary>
    private async Task<WaitingMemory> WaitingMemoryAsync(string[] keys, string[][] events, RedisStats stats)
    {
        long meta = 0, queue = 0, other = 0, json = 0;
        var leases = 0;
        var sampled = Math.Min(keys.Length, _plan.MemorySampleKeys);
        for (var i = 0; i < sampled; i++)
        {
            meta += await stats.KeyMemoryAsync($"mp:{{{keys[i]}}}:meta");
            queue += await stats.KeyMemoryAsync($"mp:{{{keys[i]}}}:q");
            other += await stats.KeyMemoryAsync($"mp:{{{keys[i]}}}:dead");
            var lease = await stats.KeyMemoryAsync($"mp:{{{keys[i]}}}:lease");
            (other, leases) = (other + lease, leases + (lease > 0 ? 1 : 0));
            json += events[i].Sum(e => (long)Encoding.UTF8.GetByteCount(e));
        }

        var (indexBytes, members) = await stats.PendingIndexAsync();
        return new WaitingMemory(sampled, meta, queue, other, indexBytes, members, json, leases);
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Posts each body to its playback, as fast as the load generator can; returns how many were not answered 202.</summary>
    private async Task<long> PostAllAsync(string[] keys, byte[][] bodies)
    {
        using var load = new LoadGenerator(_results.ProxyUrl, _plan.Connections);
        long refused = 0;
        string? failure = null;
        await ForEachAsync(keys.Length, async i =>
        {
            try
            {
                if (await load.PostAsync(new LoadRequest(EventsPath(keys[i]), bodies[i])) != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref refused);
                Interlocked.CompareExchange(ref failure, ex.Message, null);
            }
        });
        if (refused > 0)
        {
            Console.WriteLine($"  WARNING: {refused} of {keys.Length} posts were not answered 202; the first: {load.FirstRefusal ?? failure}");
        }

        return refused;
    }

    /// <summary>
    /// Waits until the upstream has <paramref name="events"/> events (or the deadline on <paramref name="watch"/>);
    /// returns its last stats and when they were read, on <paramref name="watch"/>.
    /// </summary>
    private async Task<(UpstreamStats Stats, double At, bool Complete)> WaitForEventsAsync(long events, Stopwatch watch, TimeSpan deadline)
    {
        while (true)
        {
            var asked = watch.Elapsed.TotalSeconds;
            var stats = await UpstreamStatsAsync();
            // Read halfway through the round trip: its "ago" figures are then off by half of it at most.
            var at = (asked + watch.Elapsed.TotalSeconds) / 2;
            if (stats.Events >= events)
            {
                return (stats, at, true);
            }

            if (watch.Elapsed > deadline)
            {
                Console.WriteLine($"  WARNING: {stats.Events} of {events} events after {deadline.TotalSeconds:F0} s; measured as they are");
                return (stats, at, false);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Playbacks failed for good, from the admin listing (open: the bench configures no admin keys).</summary>
    private async Task<long> FailedPlaybacksAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_results.ProxyUrl) };
        long failed = 0;
        string? cursor = null;
        do
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync(
                $"/v1/admin/playbacks?state=failed&limit=500{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"));
            failed += page.RootElement.GetProperty("playbacks").GetArrayLength();
            cursor = page.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);
        return failed;
    }

    /// <summary>A gauge from the proxy's /metrics (the first series of that name); NaN when absent.</summary>
    private async Task<double> GaugeAsync(string name)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync($"{_results.ProxyUrl}/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is ' ' or '{')
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                return double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private async Task ControlAsync(params string[] commands)
    {
        using var client = new HttpClient { BaseAddress = new Uri(_upstream) };
        foreach (var command in commands)
        {
            (await client.PostAsync($"/control/{command}", null)).EnsureSuccessStatusCode();
        }
    }

    private static async Task<bool> TryWaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    /// <summary>When something happened, in seconds on a stopwatch read <paramref name="now"/>, from how long ago it was (-1: never).</summary>
    private static double Ago(double now, double secondsAgo) => secondsAgo < 0 ? -1 : now - secondsAgo;
}
