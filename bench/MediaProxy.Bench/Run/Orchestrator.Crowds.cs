using System.Diagnostics;
using MediaProxy.Bench.Load;

namespace MediaProxy.Bench.Run;

/// <summary>The outage phase's crowds: playbacks posted at once on a 2 s sessions call, with or without a capped upstream.</summary>
internal sealed partial class Orchestrator
{
    private async Task<CrowdResult> FlashCrowdAsync(string name, RedisStats stats, IReadOnlyDictionary<string, string>? settings)
    {
        var flash = await CrowdAsync(name, Outage.FlashPlaybacks, capacity: 0, stats, settings);
        Console.WriteLine($"  {name}: {flash.Playbacks} playbacks posted in {flash.PostingSeconds:F1} s, the last live after {flash.LastEventSeconds:F1} s ({flash.LastLiveRatio:F2}× posting + 2 s); Redis {flash.RedisCommandsPerPlayback:F1} commands per playback");
        return flash;
    }

    private async Task<CrowdResult> CappedCrowdAsync(string name, RedisStats stats, IReadOnlyDictionary<string, string>? settings)
    {
        var capped = await CrowdAsync(name, Outage.CappedPlaybacks, Outage.SessionCapacity, stats, settings);
        Console.WriteLine($"  {name}: {capped.Sessions} sessions in {capped.LastSessionSeconds:F1} s = {capped.StartRate:F0}/s of {capped.AllowedRate:F0}/s allowed; {capped.TooManyRequests} 429s; {capped.FailedPlaybacks} failed");
        return capped;
    }

    /// <summary>Playbacks posted at once (sessionStart + 1 event) on a 2 s sessions call; done when the upstream has every event.</summary>
    private async Task<CrowdResult> CrowdAsync(string name, int playbacks, int capacity, RedisStats stats, IReadOnlyDictionary<string, string>? settings)
    {
        await stats.FlushAsync();
        await ControlAsync("mode/healthy", $"session-latency/{OutagePlan.SessionLatency.TotalMilliseconds:F0}", $"session-capacity/{capacity}", "reset");
        await using var proxy = await StartProxyAsync($"proxy-{name}", settings);
        var keys = Keys(name, playbacks);
        var bodies = keys.Select((_, i) => EventBodies.Array(EventBodies.OrderedPlayback($"{name}-{i}", i, 1))).ToArray();
        await stats.ResetAsync(); // the crowd's commands, not the start-up's
        var cpu = Cpu.Seconds(proxy.Pid);
        var watch = Stopwatch.StartNew();
        var refused = await PostAllAsync(keys, bodies);
        var posting = watch.Elapsed.TotalSeconds;

        // Ideal: the crowd's sessions at the rate the upstream allows, then one sessions call; ten times that at most.
        var allowed = capacity > 0 ? (double)playbacks / capacity * OutagePlan.SessionLatency.TotalSeconds : 0;
        var deadline = TimeSpan.FromSeconds(Math.Max(120, 10 * (posting + allowed + OutagePlan.SessionLatency.TotalSeconds)));
        var (upstream, now, complete) = await WaitForEventsAsync(playbacks, watch, deadline);
        var proxyCpu = Cpu.Seconds(proxy.Pid) - cpu;
        var commands = await stats.CommandCallsAsync();
        var result = new CrowdResult(playbacks, capacity, OutagePlan.SessionLatency.TotalSeconds, refused, posting,
            Ago(now, upstream.SinceLastSessionSeconds), Ago(now, upstream.SinceLastEventSeconds), upstream.Sessions, upstream.TooManyRequests,
            upstream.Events, upstream.MaxSessionsPerMedia, await FailedPlaybacksAsync(), proxyCpu, complete)
        {
            RedisCommands = commands.Values.Sum(),
            RedisScriptCalls = commands.GetValueOrDefault("evalsha") + commands.GetValueOrDefault("eval"),
        };
        await ControlAsync("session-latency/0", "session-capacity/0");
        return result;
    }
}
