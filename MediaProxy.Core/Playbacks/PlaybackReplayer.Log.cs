using Microsoft.Extensions.Logging;

namespace MediaProxy.Core.Playbacks;

/// <summary>What the replayer logs: every upstream decision about a playback, with its truncated key.</summary>
public sealed partial class PlaybackReplayer
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Playback {PlaybackKey}: upstream session {SessionId} created in {ElapsedMs:F0} ms; {Queued} event(s) queued, now {State}")]
    private static partial void LogSessionCreated(ILogger logger, string playbackKey, string sessionId, double elapsedMs, long queued, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: storing session id {SessionId} failed (attempt {Attempt}): {Reason}; trying again")]
    private static partial void LogRecordSessionFailed(ILogger logger, string playbackKey, string sessionId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: the upstream refused the sessionStart ({Reason}); playback failed")]
    private static partial void LogSessionRefused(ILogger logger, string playbackKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: sessions call failed {Failures} time(s): {Reason}; giving up: {GiveUp}")]
    private static partial void LogSessionCallFailed(ILogger logger, string playbackKey, int failures, string reason, bool giveUp);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: the failed sessions call may have reached the upstream ({Reason}); the next try may create a duplicate session")]
    private static partial void LogPossibleDuplicateSession(ILogger logger, string playbackKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: upstream refused an event ({Reason}); moved to dead letters")]
    private static partial void LogEventDeadLettered(ILogger logger, string playbackKey, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: upstream session {SessionId} is gone ({Reason}); starting a new one with media.resume")]
    private static partial void LogSessionLost(ILogger logger, string playbackKey, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Playback {PlaybackKey}: gave up delivering an event after {Rounds} rounds ({Reason}); moved to dead letters")]
    private static partial void LogGaveUp(ILogger logger, string playbackKey, int rounds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Playback {PlaybackKey}: replay failed {Failures} time(s): {Reason}; events kept, will retry")]
    private static partial void LogReplayFailed(ILogger logger, string playbackKey, int failures, string reason);
}
