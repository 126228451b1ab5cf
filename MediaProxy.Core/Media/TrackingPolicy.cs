using System.Text.Json.Nodes;

namespace MediaProxy.Core.Media;

/// <summary>What to do with a player's tracking param that differs from the one the proxy owns.</summary>
public enum TrackingMismatch
{
    /// <summary>400, naming the param: the player must omit it or send the proxy's value.</summary>
    Reject,

    /// <summary>The proxy's value replaces the player's.</summary>
    Override,
}

/// <summary>
/// Tracking configuration owned by the proxy. Bound from <c>MediaProxy:Tracking</c>. Set values become the only
/// place these live: players may omit them from sessionStart, and the proxy puts them in.
/// </summary>
public sealed class TrackingOptions
{
    public const string SectionName = "MediaProxy:Tracking";

    public string? TrackingServer { get; set; }

    public string? ReportSuite { get; set; }

    public string? MarketingCloudOrgId { get; set; }

    public bool? EnableSsl { get; set; }

    public TrackingMismatch OnMismatch { get; set; } = TrackingMismatch.Reject;
}

/// <summary>
/// Applies <see cref="TrackingOptions"/> to sessionStart events: fills owned params, rejects or overrides others.
/// In front of the built-in simulator it also fills <see cref="SimulatorDemoParams"/> that a player left out (never
/// in front of a real upstream), so a player that sends only its media params works on a proxy with no settings.
/// </summary>
public sealed class TrackingPolicy
{
    /// <summary>Demo values of the required tracking params, for the simulator only: they reach no report suite.</summary>
    public static readonly IReadOnlyDictionary<string, string> SimulatorDemoParams = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["analytics.trackingServer"] = "mediaproxy-demo.sc.omtrdc.net",
        ["analytics.reportSuite"] = "mediaproxydemo",
        ["visitor.marketingCloudOrgId"] = "MEDIAPROXYDEMO@AdobeOrg",
    };

    private readonly Dictionary<string, JsonValue> _owned = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonValue> _fallbacks = new(StringComparer.Ordinal);
    private readonly TrackingMismatch _onMismatch;

    public TrackingPolicy(TrackingOptions options)
        : this(options, fillSimulatorDemoParams: false)
    {
    }

    /// <param name="options">The tracking params the proxy owns.</param>
    /// <param name="fillSimulatorDemoParams">True only when the upstream is the built-in simulator.</param>
    public TrackingPolicy(TrackingOptions options, bool fillSimulatorDemoParams)
    {
        ArgumentNullException.ThrowIfNull(options);
        Own("analytics.trackingServer", options.TrackingServer);
        Own("analytics.reportSuite", options.ReportSuite);
        Own("visitor.marketingCloudOrgId", options.MarketingCloudOrgId);
        if (options.EnableSsl is { } ssl)
        {
            _owned["analytics.enableSSL"] = JsonValue.Create(ssl);
        }

        _onMismatch = options.OnMismatch;
        if (fillSimulatorDemoParams)
        {
            foreach (var (param, value) in SimulatorDemoParams.Where(p => !_owned.ContainsKey(p.Key)))
            {
                _fallbacks[param] = JsonValue.Create(value);
            }
        }
    }

    /// <summary>No tracking param is owned: events pass unchanged.</summary>
    public static TrackingPolicy None { get; } = new(new TrackingOptions());

    /// <summary>Whether the proxy puts this param in when a sessionStart leaves it out (so a player may).</summary>
    public bool Owns(string param) => _owned.ContainsKey(param) || _fallbacks.ContainsKey(param);

    /// <summary>The sessionStart with the owned params set, or null with the errors added (<paramref name="index"/>: in an array post, or -1).</summary>
    internal string? Apply(string sessionStartJson, int index, ErrorCollector errors)
    {
        if (_owned.Count == 0 && _fallbacks.Count == 0)
        {
            return sessionStartJson;
        }

        var node = JsonNode.Parse(sessionStartJson)!.AsObject();
        if (node["params"] is not JsonObject parameters)
        {
            node["params"] = parameters = [];
        }

        var before = errors.Count;
        foreach (var (name, value) in _owned)
        {
            var sent = parameters[name];
            if (sent is not null && !JsonNode.DeepEquals(sent, value) && _onMismatch == TrackingMismatch.Reject)
            {
                errors.Add(MediaEventValidator.Path(index, $"params.{name}"), $"{name} is set by the proxy; omit it or send the configured value.");
                continue;
            }

            parameters[name] = value.DeepClone();
        }

        foreach (var (name, value) in _fallbacks.Where(f => parameters[f.Key] is null))
        {
            parameters[name] = value.DeepClone();
        }

        return errors.Count == before ? MediaEventJson.Compact(node) : null;
    }

    private void Own(string param, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _owned[param] = JsonValue.Create(value);
        }
    }
}
