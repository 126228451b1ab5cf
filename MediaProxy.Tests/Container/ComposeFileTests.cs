using YamlDotNet.RepresentationModel;

namespace MediaProxy.Tests.Container;

/// <summary>
/// docker-compose.yml is the stack a newcomer starts: the proxy, Redis with AOF on a volume and a simulated
/// upstream the proxy is pointed at. (`scripts/check-container.sh` also runs `docker-compose config` on it.)
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Services = (YamlMappingNode)Load()["services"];

    [Fact]
    public void Compose_Redis_PersistsWithAppendOnlyFileOnAVolume()
    {
        var redis = Service("redis");
        var command = ((YamlSequenceNode)redis["command"]).Select(n => n.ToString()).ToList();

        Assert.Equal("yes", command[command.IndexOf("--appendonly") + 1]);
        Assert.Contains("--appendfsync", command);
        Assert.Contains(((YamlSequenceNode)redis["volumes"]).Select(v => v.ToString()), v => v.EndsWith(":/data", StringComparison.Ordinal));
        Assert.True(redis.Children.ContainsKey("healthcheck"));
    }

    [Fact]
    public void Compose_Proxy_UsesRedisAndTheSimulatedUpstreamUnlessTheRealOneIsSet()
    {
        var proxy = Service("mediaproxy");
        var environment = (YamlMappingNode)proxy["environment"];

        Assert.Equal("redis:6379", environment["ConnectionStrings__Redis"].ToString());
        Assert.Equal("${MEDIAPROXY_UPSTREAM_BASEURL:-http://upstream:8080/simulator}", environment["MediaProxy__Upstream__BaseUrl"].ToString());
        Assert.Contains(((YamlSequenceNode)proxy["ports"]).Select(p => p.ToString()), p => p.EndsWith(":8080", StringComparison.Ordinal));
        Assert.Equal("service_healthy", ((YamlMappingNode)((YamlMappingNode)proxy["depends_on"])["redis"])["condition"].ToString());
    }

    [Fact]
    public void Compose_Upstream_IsTheProxyImageOnEmbeddedDefaults()
    {
        var upstream = Service("upstream");

        Assert.Equal(Service("mediaproxy")["build"].ToString(), upstream["build"].ToString());
        var environment = upstream.Children.TryGetValue("environment", out var env) ? (YamlMappingNode)env : new YamlMappingNode();
        Assert.DoesNotContain(environment.Children.Keys.Select(k => k.ToString()), k => k.StartsWith("ConnectionStrings", StringComparison.Ordinal) || k == "MediaProxy__Upstream__BaseUrl");
    }

    [Fact]
    public void Dockerfile_RuntimeStage_NonRootOnPort8080WithoutSecrets()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var runtime = dockerfile[dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal)..];

        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", runtime, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", runtime, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8080", runtime, StringComparison.Ordinal);
        Assert.Contains("RUN dotnet publish ", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("ConnectionStrings", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("ApiKey", dockerfile, StringComparison.OrdinalIgnoreCase);
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    private static YamlMappingNode Load()
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(RepositoryFiles.Read("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
