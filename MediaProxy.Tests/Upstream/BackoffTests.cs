using MediaProxy.Core.Upstream;

namespace MediaProxy.Tests.Upstream;

/// <summary>Full jitter (seeded draws, so every run sees the same numbers): uniform in [0, min(max, base × 2^(n−1))].</summary>
public sealed class BackoffTests
{
    private const int Draws = 2_000;
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1_000, 60)]
    public void FullJitter_NthFailure_UniformFromZeroToTheCappedExponentialBound(int failures, int boundSeconds)
    {
        var bound = TimeSpan.FromSeconds(boundSeconds);
        var random = new Random(failures);

        var delays = Enumerable.Range(0, Draws).Select(_ => Backoff.FullJitter(failures, Base, Max, random: random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, bound));
        // Full jitter, not "half fixed, half jittered": the whole range is used, the low end as much as the high.
        Assert.InRange(delays.Min(), TimeSpan.Zero, bound * 0.01);
        Assert.InRange(delays.Max(), bound * 0.99, bound);
        Assert.InRange(delays.Count(d => d < bound / 2), Draws * 0.45, Draws * 0.55);
    }

    [Fact]
    public void FullJitter_NoFailureCountedYet_TheBaseBound()
    {
        var random = new Random(7);

        var delays = Enumerable.Range(0, Draws).Select(_ => Backoff.FullJitter(0, Base, Max, random: random)).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Base));
    }

    [Fact]
    public void FullJitter_RetryAfterLongerThanTheDraw_NeverShorterThanRetryAfter()
    {
        var random = new Random(3);
        var retryAfter = TimeSpan.FromSeconds(3);

        var delays = Enumerable.Range(0, Draws).Select(_ => Backoff.FullJitter(4, Base, Max, retryAfter, random)).ToList();

        // Bound 8 s: below 3 s the upstream's word wins, above it the draw does.
        Assert.All(delays, d => Assert.InRange(d, retryAfter, TimeSpan.FromSeconds(8)));
        Assert.Contains(delays, d => d == retryAfter);
        Assert.Contains(delays, d => d > retryAfter);
    }

    [Fact]
    public void FullJitter_RetryAfterBeyondTheMaximum_RetryAfter()
    {
        var delay = Backoff.FullJitter(1_000, Base, Max, TimeSpan.FromMinutes(5), new Random(1));

        Assert.Equal(TimeSpan.FromMinutes(5), delay);
    }

    [Fact]
    public void FullJitter_SameSeed_SameDelays()
    {
        var (a, b) = (new Random(42), new Random(42));

        var first = Enumerable.Range(1, 20).Select(n => Backoff.FullJitter(n, Base, Max, random: a));
        var second = Enumerable.Range(1, 20).Select(n => Backoff.FullJitter(n, Base, Max, random: b));

        Assert.Equal(first, second);
    }
}
