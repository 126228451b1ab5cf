using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HdrHistogram;

namespace MediaProxy.Bench.Load;

/// <summary>One request of a load: a path on the target and a body to post.</summary>
internal readonly record struct LoadRequest(string Path, byte[] Body);

/// <summary>A closed-loop run: successes counted in the measured window, and in the whole run (for command counts).</summary>
internal sealed record ClosedLoopResult(double PerSecond, long Succeeded, long Failed, long TotalSucceeded, TimeSpan TotalElapsed, double P50Ms, double P99Ms, string FirstFailure);

/// <summary>An open-loop run: latency percentiles measured from each request's intended send time.</summary>
internal sealed record OpenLoopResult(long Sent, long Failed, double P50Ms, double P99Ms, double P999Ms, double MaxMs);

/// <summary>
/// HTTP/1.1 load with connection reuse: one <see cref="SocketsHttpHandler"/> pool of N connections.
/// Closed loop (N workers, each sending its next request when the last one answered) for throughput; open loop
/// (a fixed rate, each request timed from when it should have been sent) for latency, so a stalled server is
/// charged for the requests it delayed (no coordinated omission).
/// </summary>
internal sealed class LoadGenerator : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _client;
    private string? _firstRefusal;

    public LoadGenerator(string baseUrl, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task<HttpStatusCode> PostAsync(LoadRequest request, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = Json;
        using var response = await _client.PostAsync(request.Path, content, cancellationToken);
        // Read the answer fully, as a player would, so the connection is reusable.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The first refusal's answer, for the report: a status alone does not say what went wrong.
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            Interlocked.CompareExchange(ref _firstRefusal, $"HTTP {(int)response.StatusCode} to {request.Path}: {answer[..Math.Min(answer.Length, 300)]}", null);
        }

        return response.StatusCode;
    }

    /// <summary>The first post answered with an error status, with (the start of) its answer; null while none was.</summary>
    public string? FirstRefusal => Volatile.Read(ref _firstRefusal);

    public async Task<string> GetStringAsync(string path) => await _client.GetStringAsync(path);

    /// <summary>
    /// <paramref name="workers"/> loops; worker w's i-th request is <paramref name="next"/>(w, i). Counts 2xx
    /// answers after <paramref name="warmup"/> until the end.
    /// </summary>
    public async Task<ClosedLoopResult> ClosedLoopAsync(int workers, TimeSpan warmup, TimeSpan duration, Func<int, long, LoadRequest> next)
    {
        long measured = 0, failed = 0, total = 0;
        string firstFailure = "";
        var histogram = new LongConcurrentHistogram(1, 60_000_000, 3);
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task WorkerAsync(int worker)
        {
            for (long i = 0; Stopwatch.GetTimestamp() < end; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    var status = await PostAsync(next(worker, i));
                    ok = (int)status is >= 200 and < 300;
                    if (!ok)
                    {
                        Interlocked.CompareExchange(ref firstFailure, FirstRefusal ?? $"HTTP {(int)status}", "");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok = false;
                    Interlocked.CompareExchange(ref firstFailure, ex.Message, "");
                }

                var done = Stopwatch.GetTimestamp();
                if (!ok)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }

                Interlocked.Increment(ref total);
                if (sent >= measureFrom && done <= end)
                {
                    Interlocked.Increment(ref measured);
                    histogram.RecordValue(Math.Max(1, (long)Stopwatch.GetElapsedTime(sent, done).TotalMicroseconds));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w))));
        return new ClosedLoopResult(measured / duration.TotalSeconds, measured, failed, total, Stopwatch.GetElapsedTime(start),
            Ms(histogram, 50), Ms(histogram, 99), firstFailure);
    }

    /// <summary>
    /// <paramref name="rate"/> requests a second for at most <paramref name="duration"/> (or until
    /// <paramref name="stop"/>); each request's latency runs from its intended send time, and is also recorded in
    /// <paramref name="pooled"/> when given (several runs summed into one distribution).
    /// </summary>
    public async Task<OpenLoopResult> OpenLoopAsync(double rate, TimeSpan duration, Func<long, LoadRequest> next,
        LongConcurrentHistogram? pooled = null, CancellationToken stop = default)
    {
        var histogram = NewHistogram();
        long failed = 0;
        var inFlight = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var interval = Stopwatch.Frequency / rate;
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;

        async Task SendAsync(long intended, LoadRequest request)
        {
            try
            {
                // Not cancelled by stop: requests already sent are allowed to finish and are counted.
                var status = await PostAsync(request, CancellationToken.None);
                if ((int)status is < 200 or >= 300)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref failed);
            }

            var micros = Math.Max(1, (long)Stopwatch.GetElapsedTime(intended).TotalMicroseconds);
            histogram.RecordValue(micros);
            pooled?.RecordValue(micros);
        }

        while (!stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var intended = start + (long)(sent * interval);
            if (intended >= end)
            {
                break;
            }

            // Send everything that is due (late ones too: their lateness counts in their latency), then sleep ~1 ms.
            while (intended <= now && intended < end)
            {
                inFlight.Add(SendAsync(intended, next(sent)));
                sent++;
                intended = start + (long)(sent * interval);
            }

            await Task.Delay(1, CancellationToken.None);
        }

        await Task.WhenAll(inFlight);
        return Summary(histogram, sent, failed);
    }

    /// <summary>A latency histogram in microseconds (1 µs to 60 s, 3 significant digits).</summary>
    public static LongConcurrentHistogram NewHistogram() => new(1, 60_000_000, 3);

    public static OpenLoopResult Summary(HistogramBase histogram, long sent, long failed) =>
        new(sent, failed, Ms(histogram, 50), Ms(histogram, 99), Ms(histogram, 99.9), histogram.GetMaxValue() / 1000.0);

    public void Dispose() => _client.Dispose();

    private static double Ms(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? double.NaN : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
