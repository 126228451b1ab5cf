using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MediaProxy.Core.Media;

/// <summary>Small reads and the one sanctioned rewrite of stored event JSON.</summary>
public static class MediaEventJson
{
    /// <summary>The <c>eventType</c> of a stored (already validated) event.</summary>
    public static string ReadEventType(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("eventType", out var type) ? type.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>
    /// The sessionStart for a replacement session after the upstream lost the first (404/410): the same params
    /// plus <c>media.resume: true</c>, as the API asks. Nothing else is changed.
    /// </summary>
    public static string WithResume(string sessionStartJson)
    {
        var node = JsonNode.Parse(sessionStartJson)!.AsObject();
        if (node["params"] is not JsonObject parameters)
        {
            node["params"] = parameters = [];
        }

        parameters["media.resume"] = true;
        return Compact(node);
    }

    /// <summary>Compact JSON that keeps non-ASCII and HTML-significant characters as they were (no \u escapes).</summary>
    public static string Compact(JsonNode node) => node.ToJsonString(CompactOptions);

    private static readonly JsonSerializerOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
