using BenchmarkDotNet.Attributes;
using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace MediaProxy.Micro;

/// <summary>
/// The Accept Lua script (one EVALSHA) through <see cref="RedisPlaybackStore.AcceptAsync"/>, against the real Redis
/// in <c>MEDIAPROXY_BENCH_REDIS</c> (bench/run.sh starts one). Playbacks are in <c>starting</c>, as while their
/// sessions call is in flight, so every call appends to the queue. Latency is one loopback round trip plus the script.
/// </summary>
[MemoryDiagnoser]
public class AcceptScriptBenchmarks : IDisposable
{
    private const int Playbacks = 1_000;
    private ConnectionMultiplexer? _redis;
    private RedisPlaybackStore? _store;
    private string[] _keys = [];
    private PlaybackEvent[] _single = [];
    private PlaybackEvent[] _twenty = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var address = Environment.GetEnvironmentVariable("MEDIAPROXY_BENCH_REDIS")
            ?? throw new InvalidOperationException("Set MEDIAPROXY_BENCH_REDIS=host:port (bench/run.sh does).");
        _redis = ConnectionMultiplexer.Connect(address);
        _store = new RedisPlaybackStore(_redis, Options.Create(new PlaybackOptions { MaxQueuedEvents = 1_000_000, MaxHeldEvents = 1_000_000 }), TimeProvider.System);
        var tag = Guid.NewGuid().ToString("N")[..8];
        _keys = [.. Enumerable.Range(0, Playbacks).Select(i => $"micro-{tag}-{i:D6}")];
        var start = new PlaybackEvent(MediaEventTypes.SessionStart,
            """{"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"analytics.trackingServer":"example.sc.omtrdc.net","analytics.reportSuite":"examplersid","visitor.marketingCloudOrgId":"ABC123@AdobeOrg","media.id":"vod-42","media.length":1800,"media.contentType":"VOD","media.playerName":"web-player","media.channel":"movies"}}""");
        foreach (var key in _keys)
        {
            _store.AcceptAsync(key, [start], null, default(AcceptConditions), CancellationToken.None).GetAwaiter().GetResult();
        }

        var ping = new PlaybackEvent("ping", """{"playerTime":{"playhead":120,"ts":1732500120000},"eventType":"ping"}""");
        _single = [ping];
        _twenty = [.. Enumerable.Repeat(ping, 20)];
    }

    [Benchmark(Baseline = true)]
    public Task<AcceptDecision> AcceptOneEvent() => _store!.AcceptAsync(_keys[_next++ % Playbacks], _single, null, default(AcceptConditions), CancellationToken.None);

    [Benchmark]
    public Task<AcceptDecision> AcceptTwentyEvents() => _store!.AcceptAsync(_keys[_next++ % Playbacks], _twenty, null, default(AcceptConditions), CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        _redis?.Dispose();
        GC.SuppressFinalize(this);
    }
}
