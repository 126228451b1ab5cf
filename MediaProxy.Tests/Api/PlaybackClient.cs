using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MediaProxy.Api.Contracts;

namespace MediaProxy.Tests.Api;

/// <summary>The player's side of the API, as a test uses it.</summary>
internal sealed class PlaybackClient(HttpClient http)
{
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string playbackKey, string json, string contentType = "application/json")
    {
        using var response = await SendAsync(playbackKey, json, contentType, idempotencyKey: null);
        return (response.StatusCode, await ReadAsync(response));
    }

    /// <summary>A post with an Idempotency-Key header; the whole response, for its headers.</summary>
    public Task<HttpResponseMessage> PostWithIdempotencyKeyAsync(string playbackKey, string json, string idempotencyKey) =>
        SendAsync(playbackKey, json, "application/json", idempotencyKey);

    /// <summary>The playback's dead-letter records.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetDeadLettersAsync(string playbackKey)
    {
        using var response = await http.GetAsync($"/v1/playbacks/{playbackKey}/dead-letters");
        response.EnsureSuccessStatusCode();
        return [.. (await ReadAsync(response)).GetProperty("deadLetters").EnumerateArray()];
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RetryAsync(string playbackKey)
    {
        using var response = await http.PostAsync($"/v1/playbacks/{playbackKey}/retry", content: null);
        return (response.StatusCode, await ReadAsync(response));
    }

    private async Task<HttpResponseMessage> SendAsync(string playbackKey, string json, string contentType, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/playbacks/{playbackKey}/events")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    public async Task<PlaybackStatusResponse> GetAsync(string playbackKey)
    {
        using var response = await http.GetAsync($"/v1/playbacks/{playbackKey}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<PlaybackStatusResponse>())!;
    }

    public async Task<PlaybackStatusResponse> WaitForStateAsync(string playbackKey, string state, int queued = 0, TimeSpan? timeout = null)
    {
        PlaybackStatusResponse? last = null;
        await Eventually.WaitUntilAsync(async () =>
        {
            last = await GetAsync(playbackKey);
            return last.State == state && last.Queued == queued;
        }, timeout ?? TimeSpan.FromSeconds(30), () => $"playback never reached {state} with {queued} queued; last: {last}");
        return last!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
