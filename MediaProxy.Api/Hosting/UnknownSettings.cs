namespace MediaProxy.Api.Hosting;

/// <summary>
/// Settings under <c>MediaProxy:</c> that bind to nothing. The configuration binder ignores them, so a misspelt
/// name (<c>MediaProxy__Auth__PlayerKeys__0</c>) would silently leave the API open: start-up refuses them instead,
/// naming the closest valid setting.
/// </summary>
public static class UnknownSettings
{
    /// <summary>One sentence per setting that binds to nothing (empty: all of them bind).</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        foreach (var (path, value) in configuration.GetSection(OptionCatalog.Root).AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is null || OptionCatalog.IsSection(path))
            {
                continue; // a section (its settings are checked one by one)
            }

            if (OptionCatalog.Find(path) is not { } option)
            {
                problems.Add($"unknown setting {path} (did you mean {ClosestTo(path)}?)");
            }
            else if (option.IsList && option.Path.Length == path.Length && !string.IsNullOrWhiteSpace(value))
            {
                // The binder ignores a value on the list itself: say how to set its entries.
                problems.Add($"{option.Path} is a list: set its entries, {option.Path}:0, {option.Path}:1… ({option.EnvironmentName}__0)");
            }
        }

        return problems;
    }

    /// <summary>The valid setting nearest to <paramref name="path"/> by edit distance, list indices kept (<c>:0</c>).</summary>
    public static string ClosestTo(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split(':');
        var indices = segments.Reverse().TakeWhile(s => s.Length > 0 && s.All(char.IsAsciiDigit)).Reverse().ToArray();
        var head = string.Join(':', segments[..^indices.Length]);
        var closest = OptionCatalog.Options.MinBy(o => EditDistance(head.ToUpperInvariant(), o.Path.ToUpperInvariant()))!;
        return closest.IsList && indices.Length > 0 ? $"{closest.Path}:{string.Join(':', indices)}" : closest.Path;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one each.</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
