using System.Text.RegularExpressions;
using MediaProxy.Api.Hosting;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Container;

/// <summary>
/// The README's configuration table is the operators' reference: every option the service binds is in it, so a
/// new setting cannot ship undocumented; and every setting name the compose file, the Dockerfile and the docs
/// spell out binds to an option, so none of them teaches a name the service ignores.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
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
    public void Readme_EveryBoundOption_IsInTheConfigurationTable(string option)
    {
        var section = option[..option.LastIndexOf(':')];
        var name = option[(option.LastIndexOf(':') + 1)..];
        var table = Readme.Split('\n').Where(line => line.StartsWith("| `", StringComparison.Ordinal));

        // A row names the option in full, or after its section in a "A / B" group ("`Section:A` / `B`").
        Assert.Contains(table, row => row.Contains($"`{option}`", StringComparison.Ordinal)
            || row.Contains($"`{option}:", StringComparison.Ordinal)
            || (row.Contains($"`{section}:", StringComparison.Ordinal) && row.Contains($"`{name}`", StringComparison.Ordinal)));
    }

    [Fact]
    public void Readme_Options_FindsTheKnownSections()
    {
        var sections = OptionNames().Select(o => o[..o.LastIndexOf(':')]).Distinct().ToList();

        Assert.Contains(UpstreamOptions.SectionName, sections);
        Assert.Contains("MediaProxy:RateLimits", sections);
        Assert.Contains("MediaProxy:StoreGuard", sections);
        Assert.True(sections.Count >= 9, string.Join(", ", sections));
    }

    private static string Readme { get; } = RepositoryFiles.Read("README.md");

    [GeneratedRegex(@"MediaProxy(__|:)[A-Za-z][A-Za-z0-9]*((__|:)[A-Za-z0-9]+)+")]
    private static partial Regex SettingName();
}
