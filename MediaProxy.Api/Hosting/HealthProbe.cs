namespace MediaProxy.Api.Hosting;

/// <summary>
/// <c>dotnet MediaProxy.Api.dll probe [url]</c>: asks a running instance's health endpoint and exits 0 when it
/// answers 2xx, 1 otherwise (the exit codes of a container HEALTHCHECK). The image then needs no curl or wget. The
/// default URL is <c>/health/ready</c> on loopback at the first port of <c>ASPNETCORE_HTTP_PORTS</c> (else 8080).
/// </summary>
public static class HealthProbe
{
    public const string Command = "probe";

    private const int Healthy = 0;
    private const int Unhealthy = 1;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(string[] args) => args is [Command, ..];

    /// <summary>Runs the probe: one GET, one line of output, the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var target = args switch
        {
            [Command] => DefaultTarget(Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")),
            [Command, var url] when Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" => uri,
            _ => null,
        };
        if (target is null)
        {
            await output.WriteLineAsync($"usage: dotnet MediaProxy.Api.dll {Command} [http://127.0.0.1:8080/health/ready]");
            return Unhealthy;
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(target, HttpCompletionOption.ResponseHeadersRead);
            await output.WriteLineAsync($"{target}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return response.IsSuccessStatusCode ? Healthy : Unhealthy;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{target}: {ex.Message}");
            return Unhealthy;
        }
    }

    /// <summary><c>http://127.0.0.1:{port}/health/ready</c> for the first of <paramref name="httpPorts"/> ("8080;8081"), else 8080.</summary>
    internal static Uri DefaultTarget(string? httpPorts)
    {
        var first = (httpPorts ?? string.Empty).Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var port = int.TryParse(first, out var p) && p is > 0 and < 65536 ? p : 8080;
        return new Uri($"http://127.0.0.1:{port}/health/ready");
    }
}
