using MediaProxy.Core.Media;
using MediaProxy.Core.Playbacks;
using MediaProxy.Core.Queue;

namespace MediaProxy.Tests.Queue;

/// <summary>The store's accept as most specs call it: the upstream up, so a live playback forwards.</summary>
internal static class PlaybackStoreTestExtensions
{
    public static Task<AcceptDecision> AcceptAsync(this IPlaybackStore store, string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, CancellationToken cancellationToken) =>
        store.AcceptAsync(playbackKey, events, idempotencyKey, default(AcceptConditions), cancellationToken);

    public static Task<AcceptDecision> AcceptAsync(this IPlaybackStore store, string playbackKey, IReadOnlyList<PlaybackEvent> events, string? idempotencyKey, bool queueWhenLive, CancellationToken cancellationToken) =>
        store.AcceptAsync(playbackKey, events, idempotencyKey, new AcceptConditions(QueueWhenLive: queueWhenLive), cancellationToken);
}
