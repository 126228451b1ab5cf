using System.Text.RegularExpressions;

namespace MediaProxy.Tests.Container;

/// <summary>The README is short and points into docs/: every relative link of the docs leads to a file that exists.</summary>
public sealed partial class DocumentationLinkTests
{
    public static TheoryData<string> Documents() =>
    [
        "README.md", "MediaProxy.Api/wwwroot/client/README.md",
        .. Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "docs"), "*.md").Select(f => Path.GetRelativePath(RepositoryFiles.Root, f).Replace('\\', '/')),
    ];

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_EveryRelativeLink_LeadsToAFile(string document)
    {
        var folder = Path.GetDirectoryName(Path.Combine(RepositoryFiles.Root, document))!;
        var targets = Link().Matches(RepositoryFiles.Read(document)).Select(m => m.Groups["target"].Value)
            .Where(t => !t.StartsWith("http", StringComparison.Ordinal) && !t.StartsWith('#'))
            .Select(t => t.Split('#')[0]);

        Assert.All(targets, target => Assert.True(Path.Exists(Path.Combine(folder, target)), $"{document} links to {target}, which does not exist"));
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
