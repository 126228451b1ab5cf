using System.Text.Json;

namespace MediaProxy.Api.Contracts;

/// <summary>
/// The shape of a Media Collection API event, for the OpenAPI document only: bodies are read and validated by
/// <see cref="Core.Media.MediaEventParser"/> and forwarded as sent. A post holds one event or an array of them.
/// </summary>
/// <param name="PlayerTime">The player's playhead (seconds) and clock (epoch ms), never rewritten.</param>
/// <param name="EventType">The event type, e.g. sessionStart, play, ping, bufferStart, sessionComplete, sessionEnd.</param>
/// <param name="Params">Event params: which ones an event type takes, of which type, and which are required is its schema's.</param>
/// <param name="CustomMetadata">Keys only on sessionStart, adStart and chapterStart: string → string.</param>
/// <param name="QoeData">Integer media.qoe.* quality-of-experience fields, allowed on any event.</param>
public sealed record MediaEventDocument(
    PlayerTimeDocument PlayerTime,
    string EventType,
    IDictionary<string, JsonElement>? Params,
    IDictionary<string, string>? CustomMetadata,
    IDictionary<string, long>? QoeData);

/// <param name="Playhead">Seconds into the content, 0 or more.</param>
/// <param name="Ts">Epoch milliseconds of the player's clock.</param>
public sealed record PlayerTimeDocument(double Playhead, long Ts);
