using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using MediaProxy.Core.Upstream;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Refit;

namespace MediaProxy.Micro;

/// <summary>
/// One event sent upstream, as the replay and a direct forward send it (<see cref="MediaCollectionClient"/>: Refit,
/// the Polly pipeline, HttpClient), against a bare HttpClient post of the same body and the Refit client without the
/// pipeline: what each layer adds per event in time and, above all, in allocated bytes (every byte allocated per
/// replayed event is GC work, and a post arriving during a collection waits for it). The upstream is an in-process
/// Kestrel answering 204 on loopback; its own allocations are counted too, the same in every row.
/// </summary>
[MemoryDiagnoser]
public class UpstreamSendBenchmarks : IDisposable
{
    private const string SessionId = "0123456789abcdef0123456789abcdef";
    private const string Ping = """{"playerTime":{"playhead":120,"ts":1732500120000},"eventType":"ping"}""";
    private WebApplication? _upstream;
    private ServiceProvider? _services;
    private ServiceProvider? _refitOnlyServices;
    private MediaCollectionClient? _client;
    private IMediaEventsApi? _refitOnly;
    private HttpClient? _bare;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _upstream = builder.Build();
        _upstream.MapPost("/api/v1/sessions/{sid}/events", () => Results.NoContent());
        _upstream.StartAsync().GetAwaiter().GetResult();
        var address = new Uri(_upstream.Urls.First());

        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddOptions<UpstreamOptions>().Configure(o => o.BaseUrl = address.ToString());
        _services = services.AddMediaCollectionUpstream().BuildServiceProvider();
        _client = _services.GetRequiredService<MediaCollectionClient>();

        var refitOnly = new ServiceCollection().AddLogging();
        refitOnly.AddRefitGeneratedClient<IMediaEventsApi>().ConfigureHttpClient(c => c.BaseAddress = address).RemoveAllLoggers();
        _refitOnlyServices = refitOnly.BuildServiceProvider();
        _refitOnly = _refitOnlyServices.GetRequiredService<IMediaEventsApi>();

        _bare = new HttpClient(new SocketsHttpHandler()) { BaseAddress = address };
    }

    [Benchmark(Baseline = true)]
    public async Task<HttpStatusCode> BareHttpClient()
    {
        using var content = new StringContent(Ping, Encoding.UTF8, "application/json");
        using var response = await _bare!.PostAsync($"/api/v1/sessions/{SessionId}/events", content);
        return response.StatusCode;
    }

    [Benchmark]
    public async Task<HttpStatusCode?> RefitWithoutPipeline()
    {
        using var content = new StringContent(Ping, Encoding.UTF8, "application/json");
        using var response = await _refitOnly!.SendEventAsync(SessionId, content, CancellationToken.None);
        return response.StatusCode;
    }

    [Benchmark]
    public Task<UpstreamResult> MediaCollectionClientSend() => _client!.SendEventAsync(SessionId, Ping, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        _bare?.Dispose();
        _services?.Dispose();
        _refitOnlyServices?.Dispose();
        _upstream?.StopAsync().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }
}
