using System.Globalization;
using System.Text.RegularExpressions;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>One sample of a Prometheus text exposition: <c>name{labels} value</c>.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Reads what <c>/metrics</c> answers (the Prometheus text format) into samples.</summary>
public static partial class PrometheusText
{
    public static IReadOnlyList<PrometheusSample> Parse(string exposition) =>
    [
        .. exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => Line().Match(line.TrimEnd('\r')))
            .Where(match => match.Success)
            .Select(match => new PrometheusSample(
                match.Groups["name"].Value,
                Label().Matches(match.Groups["labels"].Value).ToDictionary(l => l.Groups["key"].Value, l => Unescape(l.Groups["value"].Value), StringComparer.Ordinal),
                ParseValue(match.Groups["value"].Value))),
    ];

    /// <summary>
    /// The buckets of one histogram series (<c>{name}_bucket</c> samples whose labels include <paramref name="labels"/>),
    /// as (upper bound, cumulative count), lowest first, <c>+Inf</c> last.
    /// </summary>
    public static IReadOnlyList<(double UpperBound, double Count)> Buckets(IEnumerable<PrometheusSample> samples, string name, params (string Key, string Value)[] labels) =>
    [
        .. samples
            .Where(s => s.Name == name + "_bucket" && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .GroupBy(s => ParseValue(s.Labels["le"]))
            .Select(g => (UpperBound: g.Key, Count: g.Sum(s => s.Value)))
            .OrderBy(b => b.UpperBound),
    ];

    /// <summary>What PromQL's <c>histogram_quantile</c> estimates from cumulative buckets (linear within the bucket).</summary>
    public static double Quantile(double q, IReadOnlyList<(double UpperBound, double Count)> buckets)
    {
        var total = buckets[^1].Count;
        var rank = q * total;
        var lower = 0.0;
        var below = 0.0;
        foreach (var (upper, count) in buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(upper) ? lower : lower + ((upper - lower) * (rank - below) / (count - below));
            }

            (lower, below) = (upper, count);
        }

        return double.NaN;
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Unescape(string value) => value.Replace("\\\"", "\"", StringComparison.Ordinal)
        .Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+-?\d+)?$")]
    private static partial Regex Line();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
