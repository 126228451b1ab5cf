using System.Text.RegularExpressions;

namespace MediaProxy.Core.Media;

/// <summary>A <c>patternProperties</c> entry: names matching <see cref="Regex"/> follow <see cref="Node"/>.</summary>
internal sealed record PatternRule(string Pattern, Regex Regex, SchemaNode Node)
{
    /// <summary>
    /// A match's time-out runs on the wall clock: a thread descheduled or paused by a GC mid-match times out on a
    /// four-letter name. One that timed out is tried once more, so only a name the pattern itself is too slow for
    /// stays undecided.
    /// </summary>
    private const int Attempts = 2;

    /// <summary>Whether <paramref name="name"/> matches, or <see cref="PatternMatch.TimedOut"/> on every attempt.</summary>
    public PatternMatch Match(ReadOnlySpan<char> name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Regex.IsMatch(name) ? PatternMatch.Matched : PatternMatch.NotMatched;
            }
            catch (RegexMatchTimeoutException) when (attempt < Attempts)
            {
                // Tried again: the deadline may have passed while the thread was not running.
            }
            catch (RegexMatchTimeoutException)
            {
                return PatternMatch.TimedOut;
            }
        }
    }
}

/// <summary>What matching a name against a <see cref="PatternRule"/> found.</summary>
internal enum PatternMatch
{
    NotMatched,
    Matched,

    /// <summary>Not decided within the pattern's match timeout, on every attempt: neither allowed nor refused by the pattern.</summary>
    TimedOut,
}
