using System.Text;
using MediaProxy.Core.Media;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;
using MediaProxy.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Refit;
using StackExchange.Redis;

namespace MediaProxy.Tests.Media;

/// <summary>
/// The rules in force follow the upstream's own schemas (a real HTTP fake upstream, a real Redis for the store's copy):
/// fetched at start-up and on the refresh interval, the store's copy when the upstream cannot answer, the shipped
/// copy when nothing better is usable, and a log line that says which rules are in force.
/// </summary>
public sealed class MediaSchemaRefresherTests : IAsyncLifetime
{
    private const string PingNeedingBitrate = """
        {"definitions":{"ping":{"type":"object","properties":{"eventType":{"enum":["ping"]},"playerTime":{"type":"object"},
        "params":{"type":"object","properties":{"media.qoe.bitrate":{"type":"integer"}},"required":["media.qoe.bitrate"]}},
        "required":["eventType","playerTime","params"]}},"$ref":"#/definitions/ping"}
        """;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _log = new();
    private FakeUpstream _upstream = null!;
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(await RedisServer.GetConnectionStringAsync());
    }

    public async Task DisposeAsync()
    {
        await _upstream.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task StartAsync_UpstreamServesSchemas_TheirRulesInForceStoredAndLogged()
    {
        var (refresher, registry) = Create(_upstream.BaseUrl);

        await refresher.StartAsync(CancellationToken.None);

        Assert.All(registry.Current.Schemas, s => Assert.Equal(SchemaOrigin.Upstream, s.Origin));
        Assert.True(Valid(registry, """{"playerTime":{"playhead":1,"ts":2},"eventType":"ping","params":{"test.seq":1}}"""));
        Assert.Equal(registry.Current.Schemas.Count, (await Cache().GetAsync(_upstream.BaseUrl, CancellationToken.None)).Documents.Count);
        Assert.Contains(_log.Lines, l => l.StartsWith("Validation rules in force: 20 fetched from the upstream", StringComparison.Ordinal));
        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_UpstreamUnreachable_TheStoresCopyInForce()
    {
        var upstream = $"http://127.0.0.1:{Faults.RedisProcess.FreePort()}";
        await _redis.GetDatabase().KeyDeleteAsync(RedisKeys.Schemas(upstream));
        await Cache().SetAsync(upstream, new Dictionary<string, string> { ["ping"] = PingNeedingBitrate }, _time.GetUtcNow(), CancellationToken.None);
        var (refresher, registry) = Create(upstream);

        await refresher.StartAsync(CancellationToken.None);

        Assert.Equal(SchemaOrigin.Store, registry.Current.Find("ping")!.Origin);
        Assert.Equal(SchemaOrigin.Shipped, registry.Current.Find("play")!.Origin);
        Assert.False(Valid(registry, """{"playerTime":{"playhead":1,"ts":2},"eventType":"ping"}"""));
        Assert.Contains(_log.Lines, l => l.Contains("1 from the store's copy", StringComparison.Ordinal) && l.Contains("19 shipped", StringComparison.Ordinal));
        await refresher.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(200, "<html>not json</html>")]
    [InlineData(200, """{"type":"object","properties":{"eventType":{"enum":["play"]},"playerTime":{}}}""")]
    [InlineData(200, """{"$ref":"#/definitions/missing"}""")]
    [InlineData(503, "busy")]
    [InlineData(404, "no such schema")]
    public async Task RefreshAsync_SchemaNotUsable_ThatTypeKeepsItsRulesTheOthersFollowTheUpstream(int status, string body)
    {
        _upstream.ServeSchema("ping", status, body);
        var (refresher, registry) = Create(_upstream.BaseUrl);

        var complete = await refresher.RefreshAsync(CancellationToken.None);

        Assert.False(complete);
        Assert.Equal(MediaEventRules.Shipped.Find("ping")!.Document, registry.Current.Find("ping")!.Document);
        Assert.Equal(SchemaOrigin.Upstream, registry.Current.Find("play")!.Origin);
        Assert.Contains(_log.Lines, l => l.StartsWith("Schema of ping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_UpstreamChangesASchema_InForceAfterTheRefreshInterval()
    {
        var (refresher, registry) = Create(_upstream.BaseUrl);
        await refresher.StartAsync(CancellationToken.None);
        var calls = _upstream.SchemaCallCount;
        _upstream.ServeSchema("ping", 200, PingNeedingBitrate);
        Assert.True(Valid(registry, """{"playerTime":{"playhead":1,"ts":2},"eventType":"ping"}"""));

        await Eventually.WaitUntilAsync(() =>
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            return registry.Current.Find("ping")!.Document == PingNeedingBitrate;
        }, TimeSpan.FromSeconds(30), () => $"ping's schema: {registry.Current.Find("ping")!.Origin}, {_upstream.SchemaCallCount - calls} calls");

        Assert.False(Valid(registry, """{"playerTime":{"playhead":1,"ts":2},"eventType":"ping"}"""));
        Assert.True(Valid(registry, """{"playerTime":{"playhead":1,"ts":2},"eventType":"ping","params":{"media.qoe.bitrate":5}}"""));
        await refresher.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StartAsync_RefreshOff_ShippedRulesAndNoCall()
    {
        var (refresher, registry) = Create(_upstream.BaseUrl, refresh: false);

        await refresher.StartAsync(CancellationToken.None);

        Assert.Same(MediaEventRules.Shipped, registry.Current);
        Assert.Equal(0, _upstream.SchemaCallCount);
        await refresher.StopAsync(CancellationToken.None);
    }

    private (MediaSchemaRefresher Refresher, MediaSchemaRegistry Registry) Create(string upstream, bool refresh = true)
    {
        var registry = new MediaSchemaRegistry();
        var api = RestService.For<IMediaSchemasApi>(new HttpClient { BaseAddress = new Uri(upstream), Timeout = TimeSpan.FromSeconds(10) });
        var options = Options.Create(new MediaSchemaOptions { RefreshFromUpstream = refresh, RefreshInterval = TimeSpan.FromMinutes(10), StartupWait = TimeSpan.FromSeconds(30) });
        var refresher = new MediaSchemaRefresher(registry, api, Cache(), options, Options.Create(new UpstreamOptions { BaseUrl = upstream }), _time, _log);
        return (refresher, registry);
    }

    private RedisMediaSchemaCache Cache() => new(_redis, Options.Create(new MediaSchemaOptions()));

    private static bool Valid(MediaSchemaRegistry registry, string json) =>
        MediaEventParser.Parse(Encoding.UTF8.GetBytes(json), 1, TrackingPolicy.None, registry.Current).IsValid;

    private sealed class ListLogger : ILogger<MediaSchemaRefresher>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
