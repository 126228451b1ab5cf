using YamlDotNet.RepresentationModel;

namespace MediaProxy.Tests.Container;

/// <summary>
/// docker-compose.yml is the stack a newcomer starts: the proxy, Redis with AOF on a volume and a simulated
/// upstream the proxy is pointed at. (`scripts/check-container.sh` also runs `docker-compose config` on it.)
/// </summary>
public sealed class ComposeFileTests
{
    private static YamlMappingNode Services => Compose.Services;

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

        Assert.Equal(Service("mediaproxy")["image"].ToString(), upstream["image"].ToString());
        var environment = upstream.Children.TryGetValue("environment", out var env) ? (YamlMappingNode)env : new YamlMappingNode();
        Assert.DoesNotContain(environment.Children.Keys.Select(k => k.ToString()), k => k.StartsWith("ConnectionStrings", StringComparison.Ordinal) || k == "MediaProxy__Upstream__BaseUrl");
    }

    [Fact]
    public void Compose_ProxyImage_IsBuiltOnceAndNeverPulled()
    {
        var builders = Services.Children.Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("build")).Select(s => s.Key.ToString()).ToList();
        var image = Service("mediaproxy")["image"].ToString();

        Assert.Equal(["mediaproxy"], builders);
        var users = Services.Children.Where(s => ((YamlMappingNode)s.Value).Children.TryGetValue("image", out var i) && i.ToString() == image).Select(s => s.Key.ToString()).ToList();
        Assert.Equal(["mediaproxy", "upstream"], users.Order(StringComparer.Ordinal));
        Assert.Equal("build", Service("mediaproxy")["pull_policy"].ToString());
        Assert.Equal("never", Service("upstream")["pull_policy"].ToString());
    }

    [Fact]
    public void Compose_EveryService_HasAHealthcheck()
    {
        Assert.All(Services.Children, service => Assert.True(((YamlMappingNode)service.Value).Children.ContainsKey("healthcheck"), $"{service.Key} has no healthcheck"));
    }

    [Theory]
    [InlineData("mediaproxy")]
    [InlineData("upstream")]
    public void Compose_ProxyImageHealthcheck_IsTheAppsOwnProbeOfReadiness(string name)
    {
        var test = ((YamlSequenceNode)((YamlMappingNode)Service(name)["healthcheck"])["test"]).Select(n => n.ToString()).ToList();

        Assert.Equal(["CMD", "dotnet", "/app/MediaProxy.Api.dll", "probe", "http://127.0.0.1:8080/health/ready"], test);
    }

    [Fact]
    public void Compose_EveryDependency_WaitsUntilHealthy()
    {
        var dependencies = Services.Children
            .Where(s => ((YamlMappingNode)s.Value).Children.ContainsKey("depends_on"))
            .SelectMany(s => ((YamlMappingNode)((YamlMappingNode)s.Value)["depends_on"]).Children.Select(d => (Service: s.Key.ToString(), On: d.Key.ToString(), Condition: ((YamlMappingNode)d.Value)["condition"].ToString())))
            .ToList();

        Assert.Contains(("mediaproxy", "redis", "service_healthy"), dependencies);
        Assert.Contains(("mediaproxy", "upstream", "service_healthy"), dependencies);
        Assert.All(dependencies, d => Assert.Equal("service_healthy", d.Condition));
    }

    [Fact]
    public void Compose_NoService_OverridesTheListeningPortsWithAspNetCoreUrls()
    {
        Assert.DoesNotContain("ASPNETCORE_URLS", RepositoryFiles.Read("docker-compose.yml"), StringComparison.Ordinal);
        Assert.DoesNotContain("ASPNETCORE_URLS", RepositoryFiles.Read("Dockerfile"), StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", RepositoryFiles.Read("Dockerfile"), StringComparison.Ordinal);
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

    [Fact]
    public void Dockerfile_RunAlone_EmbeddedStoreDurableOnAVolumeTheAppUserOwns()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");

        Assert.Contains("MediaProxy__Embedded__DataDirectory=/data", dockerfile, StringComparison.Ordinal);
        Assert.Contains("VOLUME /data", dockerfile, StringComparison.Ordinal);
        Assert.Contains("chown \"$APP_UID\" /data", dockerfile, StringComparison.Ordinal);
        Assert.True(dockerfile.IndexOf("chown", StringComparison.Ordinal) < dockerfile.IndexOf("USER $APP_UID", StringComparison.Ordinal),
            "the data directory must be made before the image drops to the non-root user");
    }

    [Fact]
    public void Dockerfile_BaseImages_PinnedToExactVersions()
    {
        var from = RepositoryFiles.Read("Dockerfile").Split('\n').Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();

        Assert.Equal(2, from.Count);
        Assert.All(from, image => Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(sdk|aspnet):\d+\.\d+\.\d+$", image));
    }

    [Fact]
    public void Dockerfile_Publish_LeavesWarningsAsErrorsToCi()
    {
        var publish = RepositoryFiles.Read("Dockerfile").Split('\n').Single(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));

        Assert.Contains("-p:TreatWarningsAsErrors=false", publish, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_Healthcheck_IsTheAppsOwnProbeWithoutCurl()
    {
        var dockerfile = string.Join('\n', RepositoryFiles.Read("Dockerfile").Split('\n').Where(l => !l.StartsWith('#')));

        Assert.Contains("HEALTHCHECK ", dockerfile, StringComparison.Ordinal);
        Assert.Contains("CMD [\"dotnet\", \"/app/MediaProxy.Api.dll\", \"probe\"]", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("wget", dockerfile, StringComparison.Ordinal);
    }

    private static YamlMappingNode Service(string name) => Compose.Service(name);
}
