using System.Net;
using System.Text;

namespace MediaProxy.Core.Upstream.Simulator;

/// <summary>
/// The upstream HttpClients' innermost handler in demo mode: requests never leave the process, yet they pass
/// through the same Refit clients and resilience pipelines as real upstream calls.
/// </summary>
public sealed class SimulatorHttpHandler(MediaCollectionSimulator simulator) : HttpMessageHandler
{
    public const string BaseAddress = "http://simulator.mediaproxy.invalid";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        var answer = (request.Method.Method, segments) switch
        {
            ("POST", ["api", "v1", "sessions"]) => await simulator.StartSessionAsync(body, cancellationToken),
            ("POST", ["api", "v1", "sessions", var sid, "events"]) => simulator.PostEvent(Uri.UnescapeDataString(sid), body),
            ("GET", ["api", "v1", "schemas", var eventType]) => MediaCollectionSimulator.GetSchema(Uri.UnescapeDataString(eventType)),
            _ => new SimulatorAnswer(404, null, "No such simulator endpoint."),
        };

        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode) { RequestMessage = request };
        if (answer.Location is not null)
        {
            response.Headers.Location = new Uri(answer.Location, UriKind.Relative);
        }

        if (answer.Error is not null)
        {
            response.Content = new StringContent(answer.Error, Encoding.UTF8, "text/plain");
        }
        else if (answer.Json is not null)
        {
            response.Content = new StringContent(answer.Json, Encoding.UTF8, "application/json");
        }

        return response;
    }
}
