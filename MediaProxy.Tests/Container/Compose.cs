using YamlDotNet.RepresentationModel;

namespace MediaProxy.Tests.Container;

/// <summary>docker-compose.yml, parsed: its services and what they mount.</summary>
internal static class Compose
{
    public static YamlMappingNode Services { get; } = (YamlMappingNode)Load()["services"];

    public static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    /// <summary>
    /// The repository path behind <paramref name="containerPath"/> in <paramref name="service"/>: from the bind mount
    /// (<c>./host:/container[:ro]</c>) at that path or above it.
    /// </summary>
    public static string HostPathOf(string service, string containerPath)
    {
        foreach (var volume in ((YamlSequenceNode)Service(service)["volumes"]).Select(v => v.ToString().Split(':')))
        {
            var (host, target) = (volume[0], volume[1]);
            if (host.StartsWith("./", StringComparison.Ordinal) && (containerPath == target || containerPath.StartsWith(target + "/", StringComparison.Ordinal)))
            {
                return host[2..] + containerPath[target.Length..];
            }
        }

        throw new InvalidOperationException($"{service} mounts nothing from the repository at {containerPath}.");
    }

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(RepositoryFiles.Read("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
