using System.Runtime.CompilerServices;

namespace MediaProxy.Tests.Infrastructure;

internal static class TestHostSetup
{
    /// <summary>
    /// This one process hosts many proxies, fake upstreams and Redis clients at once, and WebApplicationFactory
    /// starts hosts synchronously. On a 2-core machine the thread pool starts with 2 workers and grows slowly,
    /// so those blocking starts would starve StackExchange.Redis's continuations into timeouts (its docs advise
    /// raising the minimum). This is about the test host, not the product.
    /// </summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "Test host set-up must run before any test.")]
    internal static void RaiseThreadPoolMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
