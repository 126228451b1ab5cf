using MediaProxy.Core.Queue;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// What an operator does with many playbacks at once: list them by state, page by page, and put every failed one
/// back to work in one call. Failed playbacks come from their own index; the others from the pending index (a
/// live or ended playback has no work and is not listed).
/// </summary>
public sealed partial class PlaybackAdmin(IPlaybackStore store, IPlaybackCoordination coordination, PlaybackService playbacks, ILogger<PlaybackAdmin> logger)
{
    /// <summary>
    /// One page of playbacks in <paramref name="state"/> (or any state with pending work when null). A page may
    /// hold fewer than <paramref name="limit"/> when some listed playbacks are in other states; follow the cursor.
    /// </summary>
    public async Task<PlaybackListing> ListAsync(PlaybackState? state, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var page = await coordination.ListAsync(state == PlaybackState.Failed, cursor, limit, cancellationToken);
        var snapshots = await Task.WhenAll(page.Keys.Select(key => store.GetAsync(key, cancellationToken)));
        var items = page.Keys.Zip(snapshots)
            .Where(p => p.Second is { } s && (state is null || s.State == state))
            .Select(p => new PlaybackSummary(p.First, p.Second!))
            .ToList();
        return new PlaybackListing(items, page.NextCursor);
    }

    /// <summary>Puts every failed playback back to work; returns how many were.</summary>
    public async Task<int> RetryAllFailedAsync(CancellationToken cancellationToken)
    {
        var retried = 0;
        while (true)
        {
            // Every playback handled leaves the failed index (retried, or not failed any more), so each round reads
            // the first page again, until it is empty.
            var page = await coordination.ListAsync(failed: true, cursor: null, 256, cancellationToken);
            if (page.Keys.Count == 0)
            {
                break;
            }

            var results = await Task.WhenAll(page.Keys.Select(key => RetryOneAsync(key, cancellationToken)));
            retried += results.Count(r => r);
        }

        LogRetriedAll(logger, retried);
        return retried;
    }

    private async Task<bool> RetryOneAsync(string playbackKey, CancellationToken cancellationToken)
    {
        if (await playbacks.RetryAsync(playbackKey, cancellationToken) is (true, _))
        {
            return true;
        }

        // Expired, or not failed any more: nothing to list.
        await coordination.ClearFailedAsync(playbackKey, cancellationToken);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin: {Count} failed playback(s) put back to work")]
    private static partial void LogRetriedAll(ILogger logger, int count);
}

/// <summary>A playback in a listing.</summary>
public sealed record PlaybackSummary(string PlaybackKey, PlaybackSnapshot Playback);

/// <summary>A page of a listing and the cursor of the next (null after the last).</summary>
public sealed record PlaybackListing(IReadOnlyList<PlaybackSummary> Items, string? NextCursor);
