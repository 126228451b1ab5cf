using System.Reflection;
using MediaProxy.Api.Hosting;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Container;

/// <summary>
/// The README's configuration table is the operators' reference: every option the service binds is in it, so a
/// new setting cannot ship undocumented.
/// </summary>
public sealed class ConfigurationReferenceTests
{
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

    private static bool IsCollection(PropertyInfo property) =>
        property.PropertyType != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(property.PropertyType);
}
