using System.Buffers;
using System.Text;
using System.Text.Json;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Core.Playbacks;

/// <summary>What is kept of an event the upstream refused: the event as sent, the status, the answer, the time.</summary>
public static class DeadLetterRecord
{
    public static string Create(string eventJson, UpstreamResult result, DateTimeOffset at)
    {
        var buffer = new ArrayBufferWriter<byte>(eventJson.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("event");
            writer.WriteRawValue(eventJson, skipInputValidation: true);
            if (result.StatusCode is { } status)
            {
                writer.WriteNumber("status", status);
            }

            writer.WriteString("error", result.Detail);
            writer.WriteString("at", at);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
