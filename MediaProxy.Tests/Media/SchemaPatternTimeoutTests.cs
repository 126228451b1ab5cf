using System.Text;
using MediaProxy.Core.Media;

namespace MediaProxy.Tests.Media;

/// <summary>
/// A <c>patternProperties</c> match has a time-out against hostile names, and it runs on the wall clock: under load a
/// thread paused mid-match (a GC, a busy core) timed out on "note", and the valid name was refused as unknown.
/// </summary>
public sealed class SchemaPatternTimeoutTests
{
    /// <summary>The post that was refused now and then under a flood: 100 valid adStart events with a long note.</summary>
    private static readonly byte[] AdStarts = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat(
        $$$"""{"playerTime":{"playhead":1,"ts":1732500000001},"eventType":"adStart","params":{"media.ad.id":"ad-1","media.ad.length":15,"media.ad.podPosition":1},"customMetadata":{"note":"{{{new string('x', 2300)}}}"}}""",
        100)) + "]");

    [Fact]
    public void Parse_NameMatchCutOffOnceByAStalledThread_PostAccepted()
    {
        var (rules, pattern) = AdStartRules(stalls: 1);

        var result = MediaEventParser.Parse(AdStarts, 100, TrackingPolicy.None, rules);

        Assert.Equal(1, pattern.Stalled);
        Assert.True(result.IsValid, string.Join("; ", result.Errors?.Select(e => $"{e.Key}: {e.Value[0]}") ?? []));
        Assert.Equal(100, result.Events.Count);
    }

    [Fact]
    public void Parse_NameMatchTimesOutOnEveryAttempt_RefusedAsUncheckedNotAsUnknown()
    {
        var (rules, _) = AdStartRules(stalls: int.MaxValue);
        var single = Encoding.UTF8.GetBytes("""{"playerTime":{"playhead":1,"ts":2},"eventType":"adStart","params":{"media.ad.id":"ad-1","media.ad.length":15,"media.ad.podPosition":1},"customMetadata":{"note":"x"}}""");

        var result = MediaEventParser.Parse(single, 100, TrackingPolicy.None, rules);

        var error = Assert.Single(Assert.Single(result.Errors!, e => e.Key == "customMetadata.note").Value);
        Assert.StartsWith("note could not be checked against ^(?!a\\.)[a-zA-Z0-9_\\.]+$ within 100 ms", error, StringComparison.Ordinal);
    }

    /// <summary>The shipped adStart rules, compiled afresh, with the customMetadata name pattern stalling its first matches.</summary>
    private static (MediaEventRules Rules, StallingRegex Pattern) AdStartRules(int stalls)
    {
        var schema = MediaEventSchema.Parse("adStart", MediaEventRules.Shipped.Find("adStart")!.Document, SchemaOrigin.Shipped);
        var metadata = schema.Root.Properties.Find("customMetadata"u8)!.Node;
        var rule = Assert.Single(metadata.Patterns);
        var stalling = new StallingRegex(rule.Pattern, rule.Regex.MatchTimeout, stalls);
        metadata.Patterns = [rule with { Regex = stalling }];
        return (new MediaEventRules([schema]), stalling);
    }
}
