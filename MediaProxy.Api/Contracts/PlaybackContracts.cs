using System.Text.Json;
using System.Text.Json.Serialization;

namespace MediaProxy.Api.Contracts;

/// <summary>Answer to a post: every event of it is durable (in the store) or already accepted upstream.</summary>
/// <param name="PlaybackKey">The playback the events belong to.</param>
/// <param name="Accepted">Events accepted from this post (a repeated sessionStart counts, and is not sent twice).</param>
/// <param name="State">The playback's state after the post.</param>
public sealed record PlaybackAcceptedResponse(string PlaybackKey, int Accepted, string State);

/// <summary>What the proxy knows of one playback.</summary>
/// <param name="PlaybackKey">The player's playback key.</param>
/// <param name="State">awaitingSessionStart | starting | replaying | live | ended | failed.</param>
/// <param name="SessionId">The upstream session id, once the sessions call answered.</param>
/// <param name="Queued">Events waiting in the playback's queue.</param>
/// <param name="Forwarded">Events delivered to the upstream: acknowledged (204) after a replay, or being forwarded directly (a direct forward that fails is taken back and queued).</param>
/// <param name="DeadLettered">Events the upstream refused (see the dead-letters endpoint).</param>
/// <param name="LastError">The last upstream failure, if any.</param>
public sealed record PlaybackStatusResponse(
    string PlaybackKey, string State, string? SessionId, long Queued, long Forwarded, long DeadLettered, string? LastError);

/// <summary>Events the upstream refused, each with the status and answer it gave.</summary>
public sealed record DeadLettersResponse(string PlaybackKey, IReadOnlyList<JsonElement> DeadLetters);

/// <summary>A page of playbacks by state, and the cursor of the next page (null after the last).</summary>
public sealed record PlaybackListResponse(IReadOnlyList<PlaybackStatusResponse> Playbacks, string? NextCursor);

/// <summary>How many failed playbacks were put back to work.</summary>
public sealed record RetriedResponse(int Retried);

/// <summary>Source-generated serialization for the hot paths' responses.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PlaybackAcceptedResponse))]
[JsonSerializable(typeof(PlaybackStatusResponse))]
[JsonSerializable(typeof(DeadLettersResponse))]
[JsonSerializable(typeof(PlaybackListResponse))]
[JsonSerializable(typeof(RetriedResponse))]
internal sealed partial class MediaProxyJsonContext : JsonSerializerContext;
