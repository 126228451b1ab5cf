using System.Text.RegularExpressions;

namespace MediaProxy.Tests.Media;

/// <summary>
/// A pattern whose first <c>stalls</c> matches are cut off by the regex engine's own time-out check, as a match is
/// when its thread is descheduled or paused by a GC for longer than the match timeout (the time-out runs on the wall
/// clock); later matches run the pattern as usual.
/// </summary>
internal sealed class StallingRegex : Regex
{
    private int _stallsLeft;
    private int _stalled;

    public StallingRegex(string pattern, TimeSpan matchTimeout, int stalls)
    {
        base.pattern = pattern;
        roptions = RegexOptions.CultureInvariant;
        internalMatchTimeout = matchTimeout;
        capsize = 1;
        _stallsLeft = stalls;
        factory = new StallingRunnerFactory(this, new Regex(pattern, RegexOptions.CultureInvariant));
    }

    /// <summary>How many matches were cut off.</summary>
    public int Stalled => Volatile.Read(ref _stalled);

    private bool TakeStall()
    {
        if (Interlocked.Decrement(ref _stallsLeft) < 0)
        {
            return false;
        }

        Interlocked.Increment(ref _stalled);
        return true;
    }

    private sealed class StallingRunnerFactory(StallingRegex owner, Regex actual) : RegexRunnerFactory
    {
        protected override RegexRunner CreateInstance() => new StallingRunner(owner, actual);
    }

    private sealed class StallingRunner(StallingRegex owner, Regex actual) : RegexRunner
    {
        protected override void Scan(ReadOnlySpan<char> text)
        {
            if (owner.TakeStall())
            {
                // Away past the deadline, then the engine's check (throws RegexMatchTimeoutException).
                Thread.Sleep(owner.MatchTimeout * 2);
                CheckTimeout();
            }

            if (actual.IsMatch(text[runtextstart..]))
            {
                Capture(0, runtextstart, text.Length);
                runtextpos = text.Length;
            }
        }
    }
}
