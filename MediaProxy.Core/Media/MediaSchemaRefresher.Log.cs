using Microsoft.Extensions.Logging;

namespace MediaProxy.Core.Media;

/// <summary>What the refresher says: which rules are in force, and why a schema was not taken.</summary>
public sealed partial class MediaSchemaRefresher
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Validation rules: the shipped copy of Adobe's schemas (MediaProxy:Schemas:RefreshFromUpstream is off)")]
    private static partial void LogShippedOnly(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Validation rules in force: {Rules}")]
    private static partial void LogInForce(ILogger logger, string rules);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schemas: start-up waited {Wait} for {Upstream}; serving with the rules at hand, the refresh goes on in the background")]
    private static partial void LogStartupWaitOver(ILogger logger, TimeSpan wait, string upstream);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {EventType} not fetched from {Upstream} ({Reason}); its previous rules stay in force")]
    private static partial void LogFetchFailed(ILogger logger, string eventType, string upstream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {EventType} from {Source} is not usable ({Reason}); its previous rules stay in force")]
    private static partial void LogUnusable(ILogger logger, string eventType, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schema of {EventType} from {Upstream}: keywords not enforced at intake (the upstream still checks them): {Keywords}")]
    private static partial void LogNotEnforced(ILogger logger, string eventType, string upstream, string keywords);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schemas: could not {Operation} the store's copy ({Reason})")]
    private static partial void LogStoreFailed(ILogger logger, string operation, string reason);
}
