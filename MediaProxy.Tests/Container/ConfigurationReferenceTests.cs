using System.Reflection;
using System.Text.RegularExpressions;
using MediaProxy.Api.Hosting;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Container;

/// <summary>
/// docs/configuration.md is the operators' reference: every option the service binds is in it, in the table of its
/// own section (one "## `Section`" heading each), so a new setting cannot ship undocumented or land out of place.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private const string ReferencePath = "docs/configuration.md";

    public static TheoryData<string> Options() => [.. OptionNames()];

    private static IEnumerable<string> OptionNames()
    {
        Assembly[] assemblies = [typeof(PlaybackOptions).Assembly, typeof(ApiOptions).Assembly];
        var optionTypes = assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Type: t, Section: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null && t.Type.GetConstructor(Type.EmptyTypes) is not null);
        foreach (var (type, section) in optionTypes)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null && (p.SetMethod?.IsPublic == true || IsCollection(p))))
            {
                yield return $"{section}:{property.Name}";
            }
        }
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Reference_EveryBoundOption_IsInItsSectionsTable(string option)
    {
        var section = option[..option.LastIndexOf(':')];
        var name = option[(option.LastIndexOf(':') + 1)..];

        Assert.True(Sections.TryGetValue(section, out var rows), $"{ReferencePath} has no \"## `{section}`\" section");
        // A row names the option in full, or after its section in a "A / B" group ("`Section:A` / `B`").
        Assert.Contains(rows, row => row.Contains($"`{option}`", StringComparison.Ordinal)
            || row.Contains($"`{option}:", StringComparison.Ordinal)
            || (row.Contains($"`{section}:", StringComparison.Ordinal) && row.Contains($"`{name}`", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reference_EveryRow_IsUnderItsOwnSectionOnce()
    {
        var headings = Headings().Matches(Reference).Select(m => m.Groups["section"].Value).ToList();

        Assert.Equal(headings.Distinct(StringComparer.Ordinal), headings);
        Assert.All(Sections, section => Assert.All(section.Value, row =>
            Assert.StartsWith($"| `{section.Key}:", row, StringComparison.Ordinal)));
        Assert.Contains("ConnectionStrings", Sections.Keys);
    }

    [Fact]
    public void Reference_Options_FindsTheKnownSections()
    {
        var sections = OptionNames().Select(o => o[..o.LastIndexOf(':')]).Distinct().ToList();

        Assert.Contains(UpstreamOptions.SectionName, sections);
        Assert.Contains("MediaProxy:RateLimits", sections);
        Assert.Contains("MediaProxy:StoreGuard", sections);
        Assert.True(sections.Count >= 9, string.Join(", ", sections));
        Assert.All(sections, s => Assert.Contains(s, Sections.Keys));
    }

    [Fact]
    public void Readme_ConfigurationTable_LivesInTheReferenceOnly()
    {
        var readme = RepositoryFiles.Read("README.md");

        Assert.DoesNotContain("| `MediaProxy:", readme, StringComparison.Ordinal);
        Assert.Contains($"({ReferencePath})", readme, StringComparison.Ordinal);
    }

    private static string Reference { get; } = RepositoryFiles.Read(ReferencePath);

    /// <summary>The configuration rows of each "## `Section`" heading, up to the next heading.</summary>
    private static Dictionary<string, List<string>> Sections { get; } = ReadSections();

    private static Dictionary<string, List<string>> ReadSections()
    {
        var sections = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var line in Reference.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                var heading = Headings().Match(line);
                current = heading.Success ? sections[heading.Groups["section"].Value] = [] : null;
            }
            else if (current is not null && line.StartsWith("| `", StringComparison.Ordinal))
            {
                current.Add(line);
            }
        }

        return sections;
    }

    [GeneratedRegex(@"^## `(?<section>(MediaProxy:)?[A-Za-z]+)`", RegexOptions.Multiline)]
    private static partial Regex Headings();

    private static bool IsCollection(PropertyInfo property) =>
        property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType);
}
