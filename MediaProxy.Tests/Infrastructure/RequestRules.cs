namespace MediaProxy.Tests.Infrastructure;

/// <summary>
/// Rules of <see cref="FakeUpstream"/> that pick requests by their body (a unique media id or marker of one test),
/// so tests sharing the fake never trigger each other's failures. Thread-safe.
/// </summary>
internal sealed class RequestRules
{
    private readonly List<RequestRule> _rules = [];

    public void Add(Func<string, bool> match, int count, int statusCode, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_rules)
        {
            _rules.Add(new RequestRule(match, statusCode, delay) { Remaining = count });
        }
    }

    /// <summary>The oldest rule still in force that matches the body, without using it up.</summary>
    public RequestRule? Find(string body)
    {
        lock (_rules)
        {
            return _rules.FirstOrDefault(r => r.Remaining > 0 && r.Match(body));
        }
    }

    /// <summary>Like <see cref="Find"/>, and uses up one of the rule's count (dropping it at zero).</summary>
    public RequestRule? Take(string body)
    {
        lock (_rules)
        {
            var rule = Find(body);
            if (rule is not null && --rule.Remaining == 0)
            {
                _rules.Remove(rule);
            }

            return rule;
        }
    }
}

/// <summary>A failure (its status, and Retry-After as <see cref="Delay"/> when not zero) or a latency rule.</summary>
internal sealed record RequestRule(Func<string, bool> Match, int StatusCode, TimeSpan Delay)
{
    public int Remaining { get; set; }
}
