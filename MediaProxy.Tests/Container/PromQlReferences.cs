using System.Text.RegularExpressions;

namespace MediaProxy.Tests.Container;

/// <summary>A label a PromQL expression names: in a matcher (with its value when it is an equality) or in <c>by (…)</c>.</summary>
public sealed record PromQlLabel(string Name, string? EqualsValue);

/// <summary>What one PromQL expression reads: the metric names, and the labels it matches on or groups by.</summary>
public sealed partial record PromQlReferences(IReadOnlyList<string> Metrics, IReadOnlyDictionary<string, IReadOnlyList<PromQlLabel>> Matchers, IReadOnlyList<string> GroupedBy)
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan",
    };

    /// <summary>Reads an expression as Grafana sends it (<c>$__rate_interval</c> and other variables allowed in ranges).</summary>
    public static PromQlReferences Parse(string expression)
    {
        var text = Range().Replace(expression, string.Empty);
        var matchers = new Dictionary<string, IReadOnlyList<PromQlLabel>>(StringComparer.Ordinal);
        foreach (Match selector in Selector().Matches(text))
        {
            matchers[selector.Groups["metric"].Value] = [.. Matcher().Matches(selector.Groups["matchers"].Value)
                .Select(m => new PromQlLabel(m.Groups["label"].Value, m.Groups["op"].Value == "=" ? Regex.Unescape(m.Groups["value"].Value) : null))];
        }

        text = Braces().Replace(text, string.Empty);
        var groupedBy = Grouping().Matches(text).SelectMany(g => g.Groups["labels"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();
        text = Grouping().Replace(text, " ");
        var metrics = Identifier().Matches(text).Select(m => m.Value).Where(name => !Keywords.Contains(name)).Distinct().ToList();
        return new PromQlReferences(metrics, matchers, groupedBy);
    }

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Range();

    // Braces inside quoted label values ("/v1/playbacks/{playbackKey}/events") do not end the matchers.
    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{(?<matchers>(?:[^}""]|""(?:[^""\\]|\\.)*"")*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\{(?:[^}""]|""(?:[^""\\]|\\.)*"")*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^)]*)\)")]
    private static partial Regex Grouping();

    // A name not preceded by a digit or dot (a number such as 1e3) and not followed by "(" (a function).
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*\b(?!\s*\()")]
    private static partial Regex Identifier();
}
