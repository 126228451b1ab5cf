using MediaProxy.Api.Hosting;
using Microsoft.Extensions.Configuration;

namespace MediaProxy.Tests.Startup;

/// <summary>Which settings under MediaProxy: bind to nothing, and the valid name an operator most likely meant.</summary>
public sealed class UnknownSettingsTests
{
    [Fact]
    public void Find_EveryKindOfValidSetting_NothingUnknown()
    {
        var configuration = Configuration(new()
        {
            ["MediaProxy:Upstream:BaseUrl"] = "",
            ["mediaproxy:upstream:attempttimeout"] = "00:00:05", // configuration keys ignore case, as the binder does
            ["MediaProxy:Upstream:Simulate"] = "false",
            ["MediaProxy:Auth:PlayerApiKeys:0"] = "k0",
            ["MediaProxy:Auth:PlayerApiKeys:1"] = "k1",
            ["MediaProxy:RateLimits:TrustedProxies:0"] = "10.0.0.0/8",
            ["MediaProxy:RateLimits:DirectlyExposed"] = "true",
            ["MediaProxy:Tracking:EnableSsl"] = "true",
            ["OtherSection:Anything"] = "not ours",
        });

        Assert.Empty(UnknownSettings.Find(configuration));
    }

    [Theory]
    [InlineData("MediaProxy:Auth:PlayerKeys:0", "unknown setting MediaProxy:Auth:PlayerKeys:0 (did you mean MediaProxy:Auth:PlayerApiKeys:0?)")]
    [InlineData("MediaProxy:Cors:AllowedOrigin:2", "unknown setting MediaProxy:Cors:AllowedOrigin:2 (did you mean MediaProxy:Cors:AllowedOrigins:2?)")]
    [InlineData("MediaProxy:Upstream:BaseURI", "unknown setting MediaProxy:Upstream:BaseURI (did you mean MediaProxy:Upstream:BaseUrl?)")]
    [InlineData("MediaProxy:Playback:Ttl", "unknown setting MediaProxy:Playback:Ttl (did you mean MediaProxy:Playbacks:Ttl?)")]
    [InlineData("MediaProxy:RateLimits:DirectlyExposed:0", "unknown setting MediaProxy:RateLimits:DirectlyExposed:0 (did you mean MediaProxy:RateLimits:DirectlyExposed?)")]
    [InlineData("MediaProxy:Upstream:UsesSimulator", "unknown setting MediaProxy:Upstream:UsesSimulator (did you mean MediaProxy:Upstream:")]
    public void Find_UnknownSetting_NamesItAndTheClosestValidOne(string key, string expected)
    {
        var problem = Assert.Single(UnknownSettings.Find(Configuration(new() { [key] = "x" })));

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_ValueOnAListItself_SaysToSetItsEntries()
    {
        var problem = Assert.Single(UnknownSettings.Find(Configuration(new() { ["MediaProxy:Auth:AdminApiKeys"] = "secret" })));

        Assert.Equal("MediaProxy:Auth:AdminApiKeys is a list: set its entries, MediaProxy:Auth:AdminApiKeys:0, MediaProxy:Auth:AdminApiKeys:1… " +
            "(MediaProxy__Auth__AdminApiKeys__0)", problem);
    }

    [Fact]
    public void Options_FromTheOptionClasses_IncludeNewOnesAndNoComputedProperties()
    {
        var paths = OptionCatalog.Options.Select(o => o.Path).ToList();

        Assert.Contains("MediaProxy:Upstream:Simulate", paths);
        Assert.Contains("MediaProxy:RateLimits:DirectlyExposed", paths);
        Assert.Contains("MediaProxy:StoreGuard:MaxMemoryBytes", paths);
        Assert.DoesNotContain("MediaProxy:Upstream:UsesSimulator", paths);
        Assert.True(OptionCatalog.Find("MediaProxy:Auth:PlayerApiKeys:3")?.IsList);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void EditDistance_Levenshtein(string a, string b, int expected) => Assert.Equal(expected, UnknownSettings.EditDistance(a, b));

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
