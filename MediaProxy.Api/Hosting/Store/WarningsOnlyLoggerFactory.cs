namespace MediaProxy.Api.Hosting.Store;

/// <summary>
/// The host's logging, for the embedded Garnet server: its warnings and errors go where ours go, its start-up
/// chatter (forty Information lines of settings) does not, nor its argument parser's warning that its own logging
/// settings are ignored (they are: this factory replaces them).
/// </summary>
internal sealed class WarningsOnlyLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        new WarningsOnlyLogger(inner.CreateLogger(categoryName), categoryName == "ArgParser" ? LogLevel.Error : LogLevel.Warning);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    // The host owns the inner factory.
    public void Dispose()
    {
    }

    private sealed class WarningsOnlyLogger(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
