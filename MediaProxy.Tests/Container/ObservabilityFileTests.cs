using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace MediaProxy.Tests.Container;

/// <summary>
/// `docker compose --profile observability up` adds Prometheus, scraping the proxy, and Grafana with the data source
/// and the MediaProxy dashboard provisioned from deploy/observability. What the dashboard queries is checked against
/// a running proxy by <see cref="DashboardTests"/>; these check that the files fit together.
/// </summary>
public sealed class ObservabilityFileTests
{
    private const string Profile = "observability";

    [Theory]
    [InlineData("prometheus")]
    [InlineData("grafana")]
    public void Compose_ObservabilityService_OnlyInItsProfileWithAPinnedImage(string name)
    {
        var service = Compose.Service(name);

        Assert.Equal([Profile], ((YamlSequenceNode)service["profiles"]).Select(p => p.ToString()));
        Assert.Matches(@":v?\d+\.\d+\.\d+$", service["image"].ToString());
    }

    [Fact]
    public void Prometheus_ScrapeConfig_ScrapesTheProxyServiceMetrics()
    {
        var config = Mounted("prometheus", "/etc/prometheus/prometheus.yml");

        var job = (YamlMappingNode)((YamlSequenceNode)config["scrape_configs"]).Single();
        Assert.Equal("/metrics", job["metrics_path"].ToString());
        var targets = ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)job["static_configs"]).Single())["targets"]).Select(t => t.ToString());
        Assert.Equal(["mediaproxy:8080"], targets);
    }

    [Fact]
    public void Grafana_Provisioning_LoadsTheDashboardFromItsMountedFolder()
    {
        var provider = (YamlMappingNode)((YamlSequenceNode)Mounted("grafana", "/etc/grafana/provisioning", "dashboards/mediaproxy.yml")["providers"]).Single();
        var path = ((YamlMappingNode)provider["options"])["path"].ToString();

        var folder = Compose.HostPathOf("grafana", path);
        Assert.True(File.Exists(Path.Combine(RepositoryFiles.Root, folder, "mediaproxy.json")), $"{folder}/mediaproxy.json");
        Assert.Equal(DashboardTests.DashboardPath, $"{folder}/mediaproxy.json");
    }

    [Fact]
    public void Grafana_Dashboard_QueriesThroughItsDataSourceVariableOnTheProvisionedPrometheus()
    {
        var source = (YamlMappingNode)((YamlSequenceNode)Mounted("grafana", "/etc/grafana/provisioning", "datasources/prometheus.yml")["datasources"]).Single();
        using var dashboard = JsonDocument.Parse(RepositoryFiles.Read(DashboardTests.DashboardPath));

        Assert.Equal("prometheus", source["type"].ToString());
        Assert.Equal("http://prometheus:9090", source["url"].ToString());
        var variable = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "datasource");
        Assert.Equal("prometheus", variable.GetProperty("query").GetString());
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.All(panels, p => Assert.Equal("${datasource}", p.GetProperty("datasource").GetProperty("uid").GetString()));
    }

    [Fact]
    public void Parse_Expression_FindsItsMetricsMatchersAndGroupings()
    {
        var refs = PromQlReferences.Parse(
            "histogram_quantile(0.95, sum by (le, path) (rate(mediaproxy_events_delivery_lag_seconds_bucket{path=\"replay\",le!=\"{}\"}[$__rate_interval])))"
            + " / on (instance) max(dotnet_process_cpu_count) * 1e3");

        Assert.Equal(["mediaproxy_events_delivery_lag_seconds_bucket", "dotnet_process_cpu_count"], refs.Metrics);
        Assert.Equal([new PromQlLabel("path", "replay"), new PromQlLabel("le", null)], refs.Matchers["mediaproxy_events_delivery_lag_seconds_bucket"]);
        Assert.Equal(["le", "path", "instance"], refs.GroupedBy);
    }

    /// <summary>A YAML file the compose file mounts into <paramref name="service"/> at <paramref name="containerPath"/>.</summary>
    private static YamlMappingNode Mounted(string service, string containerPath, string? below = null)
    {
        var hostPath = Compose.HostPathOf(service, containerPath);
        var yaml = new YamlStream();
        using var reader = new StringReader(RepositoryFiles.Read(below is null ? hostPath : $"{hostPath}/{below}"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
