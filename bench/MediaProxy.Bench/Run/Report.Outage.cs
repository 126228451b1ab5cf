using System.Globalization;
using System.Text;

namespace MediaProxy.Bench.Run;

/// <summary>The outage phase's rows of the figures table, and its part of the generated document.</summary>
internal static partial class Report
{
    /// <summary>The outage rows alone (a run of that phase only).</summary>
    public static string OutageTable(Results r) => Format(OutageRows(r));

    private static List<string[]> OutageRows(Results r)
    {
        var o = r.Outage;
        var rows = new List<string[]>();
        void Row(string figure, string measured, string baseline, string value, string target, bool? met) =>
            rows.Add([figure, measured, baseline, value, target, met switch { true => "yes", false => "**no**", null => "—" }]);

        foreach (var (flash, capped, setup) in new[] { (o.Flash, o.Capped, "default settings"), (o.SizedFlash, o.SizedCapped, SizedSetup(r)) })
        {
            CrowdRows(Row, flash, capped, setup);
        }

        if (o.Failing is { } f && o.Hanging is { } h)
        {
            var title = $"While down, {o.WaitingPosts:N0} playbacks waiting ({f.Seconds:F0} s of 503, then {h.Seconds:F0} s of no answer)";
            Row($"{title}: Redis commands/s", $"{f.CommandsPerSecond:F1} / {h.CommandsPerSecond:F1}",
                $"{f.RoundTripsPerSecond:F1} / {h.RoundTripsPerSecond:F1} round trips/s", $"{Math.Max(f.CommandsPerSecond, h.CommandsPerSecond):F1}", "≤ 50/s",
                f.CommandsPerSecond <= 50 && h.CommandsPerSecond <= 50);
            Row($"{title}: proxy CPU", $"{f.CpuPercent:F2} / {h.CpuPercent:F2} % of a core", "", $"{Math.Max(f.CpuPercent, h.CpuPercent):F2} %", "≤ 5 %",
                f.CpuPercent <= 5 && h.CpuPercent <= 5);
            Row($"{title}: upstream calls per probe interval ({OutagePlan.ProbeInterval.TotalSeconds:F0} s)", $"{f.CallsPerProbeInterval:F2} / {h.CallsPerProbeInterval:F2}",
                $"{f.UpstreamCalls} / {h.UpstreamCalls} calls", $"{Math.Max(f.CallsPerProbeInterval, h.CallsPerProbeInterval):F2}", "≤ 1",
                f.CallsPerProbeInterval <= 1 && h.CallsPerProbeInterval <= 1 && f.DownAtEnd && h.DownAtEnd);
        }

        if (o.Recovery is { } rec)
        {
            var title = $"After the outage ({rec.Playbacks:N0} playbacks × {OutagePlan.EventsPerWaitingPlayback} events)";
            var allInOrder = rec.FailedPlaybacks == 0 && rec.Events == rec.ExpectedEvents && rec.OrderViolations == 0;
            Row($"{title}: failed, delivered in order", $"{rec.FailedPlaybacks} failed, {rec.Events:N0} of {rec.ExpectedEvents:N0} delivered, {rec.OrderViolations} out of order", "",
                $"{rec.FailedPlaybacks}", "0 failed, all in order", allInOrder);
            Row($"{title}: upstream sessions per playback (most)", $"{rec.MaxSessionsPerPlayback}", $"{rec.Sessions:N0} sessions", $"{rec.MaxSessionsPerPlayback}", "≤ 2",
                rec.MaxSessionsPerPlayback is > 0 and <= 2);
            var (live, liveCpu) = o.Live;
            Row($"{title}: drain from recovery to the last event", $"{rec.PerSecond:F0} ev/s (proxy CPU {rec.ProxyCpuPerEvent * 1e6:F0} µs/ev)",
                $"{live:F0} ev/s (live forward, proxy CPU {liveCpu * 1e6:F0} µs/ev)", $"{(live > 0 ? rec.PerSecond / live : 0):0.00}×", "≥ 0.8×",
                rec.Complete && live > 0 && rec.PerSecond / live >= 0.8);
        }

        if (o.Memory is { } m)
        {
            Row($"Redis memory of a waiting playback (sessionStart + {OutagePlan.EventsPerWaitingPlayback} events, every key and its index share)", $"{m.BytesPerPlayback:F0} B",
                $"{m.JsonPerPlayback:F0} B (its JSON)", $"{m.Ratio:0.00}×", "≤ 1.3×", m.Ratio <= 1.3);
        }

        return rows;
    }

    // The start the orchestrator set for the crowd-sized runs: the flash crowd's size, from the same plan.
    private static string SizedSetup(Results r) => $"`InitialConcurrentSessionCalls` = {r.Plan.Outage.FlashPlaybacks:N0} (the crowd)";

    private static void CrowdRows(Action<string, string, string, string, string, bool?> row, CrowdResult? flash, CrowdResult? capped, string setup)
    {
        if (flash is not null)
        {
            row($"Flash crowd, {setup}: {flash.Playbacks:N0} playbacks posted at once, sessions call 2 s: the last one live", $"{flash.LastEventSeconds:F1} s",
                $"{flash.PostingSeconds:F1} s posting + 2 s", $"{flash.LastLiveRatio:0.00}×", "≤ 1.5×", flash.Complete && flash.LastLiveRatio <= 1.5);
            row($"Flash crowd, {setup}: Redis commands per playback (inside scripts included; its post to its event upstream)", $"{flash.RedisCommandsPerPlayback:F1}",
                $"{flash.RedisScriptCallsPerPlayback:F1} script calls", $"{flash.RedisCommandsPerPlayback:F1}", "(reported)", null);
        }

        if (capped is not null)
        {
            var title = $"Capped upstream (429 past {capped.Capacity} concurrent sessions calls, 2 s each), {setup}, {capped.Playbacks:N0} playbacks";
            row($"{title}: failed, delivered", $"{capped.FailedPlaybacks} failed, {capped.Events:N0} of {capped.Playbacks:N0} delivered", "",
                $"{capped.FailedPlaybacks}", "0 failed, all delivered", capped.FailedPlaybacks == 0 && capped.Events == capped.Playbacks);
            row($"{title}: start rate", $"{capped.StartRate:F0} sessions/s (proxy CPU {capped.ProxyCpuPerPlayback * 1e6:F0} µs per playback)",
                $"{capped.AllowedRate:F0}/s (what the upstream allows)", $"{capped.StartRate / capped.AllowedRate:0.00}×", "≥ 0.8×", capped.StartRate / capped.AllowedRate >= 0.8);
            row($"{title}: 429s per session created", $"{(double)capped.TooManyRequests / Math.Max(1, capped.Sessions):0.00}",
                $"{capped.TooManyRequests:N0} 429s, {capped.Sessions:N0} sessions", $"{(double)capped.TooManyRequests / Math.Max(1, capped.Sessions):0.00}", "(reported)", null);
        }
    }

    private static void OutageSection(StringBuilder doc, Results r)
    {
        var o = r.Outage;
        doc.AppendLine().AppendLine("### Outage (issue 14)").AppendLine();
        foreach (var (name, c) in new[]
        {
            ("Flash crowd", o.Flash), ("Capped upstream", o.Capped),
            ($"Flash crowd, {SizedSetup(r)}", o.SizedFlash), ($"Capped upstream, {SizedSetup(r)}", o.SizedCapped),
        })
        {
            if (c is null)
            {
                continue;
            }

            doc.AppendLine(CultureInfo.InvariantCulture, $"- {name}: {c.Playbacks:N0} playbacks (sessionStart + 1 event, one post each) posted in {c.PostingSeconds:F1} s ({c.Playbacks / c.PostingSeconds:F0}/s, {c.RefusedPosts} not answered 202); sessions call 2 s{(c.Capacity > 0 ? $", 429 past {c.Capacity} at once" : "")}. Last session created after {c.LastSessionSeconds:F1} s ({c.StartRate:F0}/s), last event after {c.LastEventSeconds:F1} s; {c.Events:N0} events, {c.Sessions:N0} sessions (at most {c.MaxSessionsPerPlayback} per playback), {c.TooManyRequests:N0} 429s, {c.FailedPlaybacks} failed; proxy CPU {c.ProxyCpuSeconds:F1} s ({c.ProxyCpuPerPlayback * 1e6:F0} µs per playback); Redis {c.RedisCommands:N0} commands ({c.RedisCommandsPerPlayback:F1} per playback, {c.RedisScriptCalls:N0} of them script calls){(c.Complete ? "" : "; NOT COMPLETE when the wait ended")}.");
        }

        if (o.Failing is not null && o.Hanging is not null)
        {
            doc.AppendLine(CultureInfo.InvariantCulture, $"- Waiting playbacks: {o.WaitingPosts:N0} posted (sessionStart + {OutagePlan.EventsPerWaitingPlayback} events, one post each) in {o.WaitingPostingSeconds:F1} s to an upstream answering 503; the proxy reported it down (`mediaproxy_upstream_available` 0) {o.DownAfterSeconds:F1} s after the first post.");
            foreach (var w in new[] { o.Failing, o.Hanging })
            {
                var commands = string.Join(", ", w.Commands.Where(c => c.Value > 0).OrderByDescending(c => c.Value).Select(c => $"`{c.Key}` {c.Value}"));
                doc.AppendLine(CultureInfo.InvariantCulture, $"- Down, {(w.Mode == "failing" ? "503 + `Retry-After: 1` to every call" : "no call answered")}, {w.Seconds:F0} s: Redis {w.CommandsPerSecond:F1} commands/s, {w.RoundTripsPerSecond:F1} round trips/s ({(commands.Length == 0 ? "none" : commands)}); proxy CPU {w.ProxyCpuSeconds:F2} s = {w.CpuPercent:F2} % of a core; {w.UpstreamCalls} upstream calls = {w.CallsPerProbeInterval:F2} per {OutagePlan.ProbeInterval.TotalSeconds:F0} s; still down at the end: {(w.DownAtEnd ? "yes" : "NO")}.");
            }
        }

        if (o.Memory is { } m)
        {
            doc.AppendLine(CultureInfo.InvariantCulture, $"- Waiting playback memory: {m.Sampled} sampled playbacks, `MEMORY USAGE … SAMPLES 0` of their keys {m.KeyBytes:N0} B (meta hashes {(double)m.MetaBytes / m.Sampled:F0} B each, queues {(double)m.QueueBytes / m.Sampled:F0} B, dead letters and leases {(double)m.OtherBytes / m.Sampled:F0} B; {m.Leases} held a lease), plus the pending index's {m.IndexBytes:N0} B over its {m.IndexMembers:N0} playbacks ({m.IndexBytesPerPlayback:F0} B each): {m.BytesPerPlayback:F0} B per playback for {m.JsonPerPlayback:F0} B of JSON.");
        }

        if (o.Recovery is { } rec)
        {
            var (live, liveCpu) = o.Live;
            doc.AppendLine(CultureInfo.InvariantCulture, $"- Recovery (healthy, sessions call answered at once): first event upstream {rec.FirstEventSeconds:F1} s after it, last {rec.LastEventSeconds:F1} s after it; {rec.Events:N0} of {rec.ExpectedEvents:N0} events ({rec.PerSecond:F0}/s from recovery, {rec.ResumedPerSecond:F0}/s from the first event), {rec.OrderViolations} out of order; {rec.Sessions:N0} sessions (at most {rec.MaxSessionsPerPlayback} per playback); {rec.FailedPlaybacks} failed; {rec.UpstreamCalls:N0} upstream calls; proxy CPU {rec.ProxyCpuSeconds:F1} s, {rec.ProxyCpuPerEvent * 1e6:F0} µs per event (live forward: {live:F0} events/s at {liveCpu * 1e6:F0} µs){(rec.Complete ? "" : "; NOT COMPLETE when the wait ended")}.");
        }
    }
}
