using MediaProxy.Api.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Security;

/// <summary>The budget of new playbacks per client, on a fake clock: reservations, returns, refills, the held bucket.</summary>
public sealed class NewPlaybackBudgetTests
{
    private static readonly ClientIdentity Crowd = ClientIdentity.Unidentified;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void TryReserve_PastTheBurst_RefusedUntilTheRateRefillsIt()
    {
        using var budget = Budget(perSecond: 10); // burst: ten seconds' worth

        Assert.Equal(100, ReserveAll(budget, held: false));
        _time.Advance(TimeSpan.FromMilliseconds(500));

        Assert.Equal(5, ReserveAll(budget, held: false));
    }

    [Fact]
    public void Return_ReservedTokenNotUsed_AvailableAgain()
    {
        using var budget = Budget(perSecond: 10);
        ReserveAll(budget, held: false);

        budget.Return(Crowd, held: false);

        Assert.True(budget.TryReserve(Crowd, held: false));
        Assert.False(budget.TryReserve(Crowd, held: false));
    }

    [Fact]
    public void TryReserve_ReservationsInFlight_EachTakesItsOwnToken()
    {
        // Posts racing on the last token: only one may go on to create a playback, whatever the store says later.
        using var budget = Budget(perSecond: 10);
        ReserveAll(budget, held: false);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        var reserved = Enumerable.Range(0, 8).Count(_ => budget.TryReserve(Crowd, held: false));

        Assert.Equal(1, reserved);
    }

    [Fact]
    public void TryReserve_HeldPlaybacks_ATenthOfTheBudgetAndApartFromIt()
    {
        using var budget = Budget(perSecond: 10);

        Assert.Equal(10, ReserveAll(budget, held: true));
        Assert.True(budget.TryReserve(Crowd, held: false));
    }

    [Fact]
    public void TryReserve_RateLimitsOff_AlwaysRoom()
    {
        using var budget = new NewPlaybackBudget(Options.Create(new RateLimitOptions { Enabled = false, NewPlaybacksUnidentifiedPerSecond = 1 }), _time);

        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(_ => budget.TryReserve(Crowd, held: true)));
    }

    private NewPlaybackBudget Budget(int perSecond) =>
        new(Options.Create(new RateLimitOptions { NewPlaybacksUnidentifiedPerSecond = perSecond }), _time);

    private static int ReserveAll(NewPlaybackBudget budget, bool held)
    {
        var n = 0;
        while (n < 100_000 && budget.TryReserve(Crowd, held))
        {
            n++;
        }

        return n;
    }
}
