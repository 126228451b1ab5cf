using System.Text.RegularExpressions;
using MediaProxy.Api.Hosting;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Container;

/// <summary>
/// docs/configuration.md is the operators' reference: every option the service binds is in it, in the table of its
/// own section (one "## `Section`" heading each), so a new setting cannot ship undocumented or land out of place;
/// and every setting name the compose file, the Dockerfile and the docs spell out binds to an option, so none of
/// them teaches a name the service ignores.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private const string ReferencePath = "docs/configuration.md";

    private static readonly string[] OperatorFiles = ["docker-compose.yml", "Dockerfile", "README.md"];

    public static TheoryData<string> Options() => [.. OptionNames()];

    /// <summary>The bound options, from the same reflection the start-up check uses (<see cref="OptionCatalog"/>).</summary>
    private static IEnumerable<string> OptionNames() => OptionCatalog.Options.Select(o => o.Path);

    /// <summary>Every setting name the operators' files spell out: <c>MediaProxy__…</c> variables and <c>MediaProxy:…</c> paths.</summary>
    public static TheoryData<string, string> DocumentedNames()
    {
        var files = OperatorFiles
            .Concat(Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "docs"), "*.md").Select(f => Path.GetRelativePath(RepositoryFiles.Root, f)));
        var names = new TheoryData<string, string>();
        foreach (var file in files.Distinct())
        {
            var text = RepositoryFiles.Read(file);
            // A name quoted as what the service refuses ("unknown setting MediaProxy:…") is an example, not advice.
            foreach (var name in SettingName().Matches(text).Where(m => !text[..m.Index].EndsWith("unknown setting ", StringComparison.Ordinal))
                .Select(m => m.Value).Distinct(StringComparer.Ordinal))
            {
                names.Add(file, name);
            }
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(DocumentedNames))]
    public void Docs_EverySettingNameSpelledOut_BindsToAnOption(string file, string name)
    {
        var path = name.Replace("__", ":", StringComparison.Ordinal);

        Assert.True(OptionCatalog.Binds(path), $"{file} names {name}, which binds to no option (closest: {UnknownSettings.ClosestTo(path)})");
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

    [GeneratedRegex(@"MediaProxy(__|:)[A-Za-z][A-Za-z0-9]*((__|:)[A-Za-z0-9]+)+")]
    private static partial Regex SettingName();
}
