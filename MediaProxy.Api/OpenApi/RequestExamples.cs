namespace MediaProxy.Api.OpenApi;

/// <summary>Endpoint metadata: named JSON request examples that Swagger UI offers in its drop-down.</summary>
public sealed record RequestExamples(IReadOnlyDictionary<string, string> Json);

/// <summary>Examples for the player API, valid against the Media Collection API schema.</summary>
internal static class PlaybackExamples
{
    public static readonly RequestExamples Events = new(new Dictionary<string, string>
    {
        ["sessionStart"] = """
            {
              "playerTime": { "playhead": 0, "ts": 1732500000000 },
              "eventType": "sessionStart",
              "params": {
                "analytics.trackingServer": "example.sc.omtrdc.net",
                "analytics.reportSuite": "examplersid",
                "visitor.marketingCloudOrgId": "ABC123@AdobeOrg",
                "media.id": "vod-42",
                "media.length": 1800,
                "media.contentType": "VOD",
                "media.playerName": "web-player",
                "media.channel": "movies",
                "media.name": "Big Buck Bunny"
              },
              "customMetadata": { "genre": "animation" },
              "qoeData": {}
            }
            """,
        ["play"] = """
            { "playerTime": { "playhead": 0, "ts": 1732500000500 }, "eventType": "play", "params": {} }
            """,
        ["array (in order)"] = """
            [
              { "playerTime": { "playhead": 0, "ts": 1732500001000 }, "eventType": "bufferStart" },
              { "playerTime": { "playhead": 0, "ts": 1732500001400 }, "eventType": "play" },
              { "playerTime": { "playhead": 10, "ts": 1732500011400 }, "eventType": "ping" },
              { "playerTime": { "playhead": 12.5, "ts": 1732500013900 }, "eventType": "pauseStart" }
            ]
            """,
        ["sessionComplete"] = """
            { "playerTime": { "playhead": 1800, "ts": 1732501800000 }, "eventType": "sessionComplete" }
            """,
    });

    /// <summary>The drop-in sessions call takes Adobe's sessionStart body and nothing else.</summary>
    public static readonly RequestExamples SessionStart = new(new Dictionary<string, string>
    {
        ["sessionStart"] = Events.Json["sessionStart"],
    });

    /// <summary>The drop-in events call: one event per post, as Adobe's API takes them.</summary>
    public static readonly RequestExamples SingleEvents = new(Events.Json
        .Where(e => e.Key is not "sessionStart" and not "array (in order)")
        .ToDictionary(e => e.Key, e => e.Value));
}
