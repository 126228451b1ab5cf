using System.Collections;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// One rule for playback keys in logs: only <c>PlaybackKey.ForLog</c>'s truncated form. ASP.NET Core's own request
/// scope carries <c>RequestPath</c>, the full key, on every line of a request, so it is turned off (with the
/// request start/finish lines of its category, which also print the path) and this scope gives the lines their
/// <c>RequestId</c> back, the <c>traceId</c> of a ProblemDetails answer.
/// </summary>
public static class RequestLogScope
{
    /// <summary>The logging category whose scope and lines carry the raw request path.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddRequestLogScope(this WebApplicationBuilder builder)
    {
        // Added after the configuration's Logging:LogLevel rules, so it wins over them for this category.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        return builder;
    }

    /// <summary>Opens the RequestId scope for the rest of the pipeline; first in the pipeline.</summary>
    public static WebApplication UseRequestLogScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MediaProxy.Api.Requests");
        app.Use(async (context, next) =>
        {
            using var scope = logger.BeginScope(new RequestIdScope(context.TraceIdentifier));
            await next(context);
        });
        return app;
    }

    /// <summary>One <c>RequestId</c> property, printed as <c>RequestId:…</c>.</summary>
    private sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?> _property = new("RequestId", requestId);

        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? _property : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return _property;
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"RequestId:{_property.Value}";
    }
}
