using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// Keeps every log line as a console formatter with scopes would write it: category, message and each scope, both
/// as text and as its structured properties. For specs about what logs may say.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    // Scopes of its own (not the factory's, through ISupportExternalScope): it sees exactly the scopes opened on
    // loggers whose category is enabled for it, as a console logger with scopes would print them.
    private readonly LoggerExternalScopeProvider _scopes = new();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            provider._scopes.ForEachScope((scope, text) =>
            {
                text.Append(" => ").Append(scope);
                if (scope is IEnumerable<KeyValuePair<string, object?>> properties)
                {
                    foreach (var (name, value) in properties)
                    {
                        text.Append($" [{name}={value}]");
                    }
                }
            }, line);
            provider.Lines.Enqueue(line.ToString());
        }
    }
}
