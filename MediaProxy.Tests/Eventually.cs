using System.Diagnostics;

namespace MediaProxy.Tests;

/// <summary>
/// Waits for something asynchronous (a replay, a state change) to become true. The timeout is a generous upper
/// bound that turns a hang into a clear failure, never a performance assertion: pass tens of seconds.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return WaitUntilAsync(() => Task.FromResult(condition()), timeout, describe);
    }

    /// <summary>
    /// Polls <paramref name="condition"/> every 20 ms until it is true; throws a <see cref="TimeoutException"/>
    /// with <paramref name="describe"/>'s text (say what was last seen) when <paramref name="timeout"/> passes first.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                var detail = describe is null ? "the condition stayed false" : describe();
                throw new TimeoutException($"Not true within {timeout.TotalSeconds:0.#} s: {detail}.");
            }

            await Task.Delay(PollInterval);
        }
    }
}
