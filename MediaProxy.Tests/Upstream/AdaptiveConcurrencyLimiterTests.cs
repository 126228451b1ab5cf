using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Upstream;

/// <summary>
/// The AIMD limit of one kind of call, on a fake clock: ceiling 100, latency tolerance 2 (an answer slower than
/// 2 × the usual latency + 50 ms counts as overload), the usual latency being the fastest answer of the last minute.
/// It grows by 15 per answer below the level of its last overload (slow start, ×16 per round trip), by one per round
/// trip at or above it.
/// </summary>
public sealed class AdaptiveConcurrencyLimiterTests
{
    private const int Ceiling = 100;
    private static readonly TimeSpan Usual = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Limit_New_StartsAtItsInitialLimit()
    {
        var limiter = new AdaptiveConcurrencyLimiter(Ceiling, initial: 10, latencyTolerance: 2.0, _time);

        Assert.Equal((10, Ceiling, 0), (limiter.Limit, limiter.Ceiling, limiter.InFlight));
    }

    [Fact]
    public void Release_TimelyAnswersFromTheInitialLimit_SixteenfoldPerRoundTripUpToTheCeiling()
    {
        var limiter = new AdaptiveConcurrencyLimiter(Ceiling * 100, initial: 10, latencyTolerance: 2.0, _time);
        var rounds = new List<int>();
        var inFlight = Take(limiter, limiter.Limit);

        // A caller with more work than slots: each answer's slot, and any new one, is taken again at once.
        while (rounds.Count < 4)
        {
            var next = new List<LimiterPermit>();
            foreach (var permit in inFlight)
            {
                limiter.Release(permit, LimiterSample.Answered, Usual);
                while (limiter.TryAcquire(out var again))
                {
                    next.Add(again);
                }
            }

            (inFlight, rounds) = (next, [.. rounds, limiter.Limit]);
        }

        Assert.Equal([160, 2_560, Ceiling * 100, Ceiling * 100], rounds);
    }

    [Fact]
    public void TryAcquire_UpstreamAnsweringNothing_NeverMoreInFlightThanTheInitialLimit()
    {
        var limiter = new AdaptiveConcurrencyLimiter(Ceiling, initial: 10, latencyTolerance: 2.0, _time);

        var taken = 0;
        while (taken < Ceiling && limiter.TryAcquire(out _))
        {
            taken++;
        }

        Assert.Equal((10, 10), (taken, limiter.InFlight));
    }

    [Fact]
    public void TryAcquire_AtTheLimit_RefusedUntilASlotIsReleased()
    {
        var limiter = Create(ceiling: 3);
        var permits = Take(limiter, 3);

        Assert.False(limiter.TryAcquire(out _));
        limiter.Release(permits[0], LimiterSample.None, TimeSpan.Zero);

        Assert.True(limiter.TryAcquire(out _));
        Assert.Equal(3, limiter.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_AtTheLimit_WaitersServedFirstComeFirstServed()
    {
        var limiter = Create(ceiling: 2);
        var permits = Take(limiter, 2);
        var first = limiter.AcquireAsync(CancellationToken.None).AsTask();
        var second = limiter.AcquireAsync(CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted || second.IsCompleted);

        limiter.Release(permits[0], LimiterSample.None, TimeSpan.Zero);

        await first;
        Assert.False(second.IsCompleted);
        limiter.Release(permits[1], LimiterSample.None, TimeSpan.Zero);
        await second;
        Assert.Equal(2, limiter.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndHoldsNoSlot()
    {
        var limiter = Create(ceiling: 2);
        var permits = Take(limiter, 2);
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(cancel.Token).AsTask();
        var next = limiter.AcquireAsync(CancellationToken.None).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        limiter.Release(permits[0], LimiterSample.None, TimeSpan.Zero);
        limiter.Release(permits[1], LimiterSample.None, TimeSpan.Zero);

        // The first slot skipped the cancelled wait for the next one; the cancelled one holds nothing.
        Assert.Equal(1, limiter.InFlight);
        Assert.True(limiter.TryAcquire(out _));
        await next;
    }

    [Fact]
    public void Release_TimelyAnswerWhileUtilisedBelowTheLastOverload_GrowsByFifteen()
    {
        var limiter = new AdaptiveConcurrencyLimiter(Ceiling * 10, initial: 90, latencyTolerance: 2.0, _time); // no overload yet
        var permits = Take(limiter, 45); // in flight ≥ limit / 2

        limiter.Release(permits[0], LimiterSample.Answered, Usual);

        Assert.Equal(105, limiter.Limit);
    }

    [Fact]
    public void Release_TimelyAnswersWhileUtilisedAtTheLastOverload_AboutOnePerRoundTrip()
    {
        var limiter = CutOnce(); // 90, the level of the last overload
        var inFlight = new Queue<LimiterPermit>(Take(limiter, 90));

        AnswerInTurn(limiter, inFlight, 90); // one round trip: +90 × 1/90
        Assert.Equal(90, limiter.Limit);
        AnswerInTurn(limiter, inFlight, 180); // two more

        Assert.Equal(92, limiter.Limit);
    }

    [Fact]
    public void Release_TimelyAnswerWhileLittleUsed_LimitUnchanged()
    {
        var limiter = CutOnce(); // 90
        var permits = Take(limiter, 44); // in flight < limit / 2

        limiter.Release(permits[0], LimiterSample.Answered, Usual);

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_TimelyAnswersWhileUtilised_NeverAboveTheCeiling()
    {
        var limiter = CutOnce(); // 90
        limiter.Restart();
        var permits = Take(limiter, 90);

        foreach (var permit in permits)
        {
            limiter.Release(permit, LimiterSample.Answered, Usual);
        }

        Assert.Equal(Ceiling, limiter.Limit);
    }

    [Fact]
    public void Release_Overloaded_CutToNineTenths()
    {
        var limiter = Create();
        Assert.True(limiter.TryAcquire(out var permit));

        limiter.Release(permit, LimiterSample.Overloaded, TimeSpan.FromSeconds(1));

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_ManyOverloadsOfOneRound_OneCut()
    {
        var limiter = Create();
        var round = Take(limiter, 20);

        foreach (var permit in round)
        {
            limiter.Release(permit, LimiterSample.Overloaded, TimeSpan.FromSeconds(1));
        }

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_OverloadOfACallStartedAfterTheCut_CutsAgain()
    {
        var limiter = Create();
        var before = Take(limiter, 2);
        limiter.Release(before[0], LimiterSample.Overloaded, TimeSpan.Zero);
        Assert.True(limiter.TryAcquire(out var after));

        limiter.Release(before[1], LimiterSample.Overloaded, TimeSpan.Zero);
        Assert.Equal(90, limiter.Limit);
        limiter.Release(after, LimiterSample.Overloaded, TimeSpan.Zero);

        Assert.Equal(81, limiter.Limit);
    }

    [Fact]
    public void Release_TooManyRequests_DownToTheCallsInFlightThenCut()
    {
        var limiter = Create();
        var permits = Take(limiter, 20);

        limiter.Release(permits[0], LimiterSample.Refused, Usual);

        // The upstream took the 20 in flight, no more: 20 × 0.9.
        Assert.Equal(18, limiter.Limit);
    }

    [Fact]
    public void Release_TooManyRequestsOfARoundAlreadyCut_NoSecondCutButNeverAboveTheCallsInFlight()
    {
        var limiter = Create();
        var permits = Take(limiter, 20);
        limiter.Release(permits[0], LimiterSample.Refused, Usual);

        limiter.Release(permits[1], LimiterSample.Refused, Usual);
        Assert.Equal(18, limiter.Limit);
        foreach (var permit in permits.Skip(2).Take(8))
        {
            limiter.Release(permit, LimiterSample.None, TimeSpan.Zero);
        }

        limiter.Release(permits[10], LimiterSample.Refused, Usual);

        // 9 still in flight when it came back refused: the upstream took 10 at most.
        Assert.Equal(10, limiter.Limit);
    }

    [Fact]
    public void Restart_AfterCuts_AtLeastAnEighthOfTheCeilingAndGrowingByFifteenPerAnswer()
    {
        var limiter = Create();
        for (var i = 0; i < 40; i++)
        {
            Assert.True(limiter.TryAcquire(out var permit));
            limiter.Release(permit, LimiterSample.Overloaded, TimeSpan.Zero);
        }

        Assert.Equal(1, limiter.Limit);

        limiter.Restart();

        Assert.Equal(Ceiling / 8, limiter.Limit);
        var inFlight = new Queue<LimiterPermit>(Take(limiter, Ceiling / 8));
        AnswerInTurn(limiter, inFlight, 1);
        Assert.Equal((Ceiling / 8) + 15, limiter.Limit);
    }

    [Fact]
    public void Release_OverloadedAtOne_StaysAtOne()
    {
        var limiter = Create(ceiling: 1);
        Assert.True(limiter.TryAcquire(out var permit));

        limiter.Release(permit, LimiterSample.Overloaded, TimeSpan.Zero);

        Assert.Equal(1, limiter.Limit);
        Assert.True(limiter.TryAcquire(out _));
    }

    [Fact]
    public void Release_NothingLearnt_LimitUnchanged()
    {
        var limiter = CutOnce();
        var permits = Take(limiter, 90);

        foreach (var permit in permits)
        {
            limiter.Release(permit, LimiterSample.None, TimeSpan.FromMinutes(1));
        }

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_AnswerSlowerThanToleranceTimesUsualPlusSlack_CountsAsOverload()
    {
        var limiter = Create();
        Answer(limiter, Usual);

        // 2 × 100 ms + 50 ms = 250 ms.
        Answer(limiter, TimeSpan.FromMilliseconds(251));

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_AnswerWithinToleranceTimesUsualPlusSlack_NoCut()
    {
        var limiter = Create();
        Answer(limiter, Usual);

        Answer(limiter, TimeSpan.FromMilliseconds(250));

        Assert.Equal(Ceiling, limiter.Limit);
    }

    [Fact]
    public void Release_FirstAnswerEver_NeverSlow()
    {
        var limiter = Create();

        Answer(limiter, TimeSpan.FromSeconds(30));

        Assert.Equal(Ceiling, limiter.Limit);
    }

    [Fact]
    public void Release_FastestAnswerWithinTheLastMinute_StillTheUsualLatency()
    {
        var limiter = Create();
        Answer(limiter, Usual);
        _time.Advance(TimeSpan.FromSeconds(30));
        Answer(limiter, TimeSpan.FromMilliseconds(200)); // not slow (≤ 250 ms): a usual answer too
        _time.Advance(TimeSpan.FromSeconds(15));

        Answer(limiter, TimeSpan.FromMilliseconds(260));

        Assert.Equal(90, limiter.Limit);
    }

    [Fact]
    public void Release_FastestAnswerOlderThanAMinute_NoLongerTheUsualLatency()
    {
        var limiter = Create();
        Answer(limiter, Usual);
        _time.Advance(TimeSpan.FromSeconds(30));
        Answer(limiter, TimeSpan.FromMilliseconds(200));
        _time.Advance(TimeSpan.FromSeconds(40));

        // 100 ms was 70 s ago: the usual is 200 ms now, and 260 ms is within 2 × 200 ms + 50 ms.
        Answer(limiter, TimeSpan.FromMilliseconds(260));

        Assert.Equal(Ceiling, limiter.Limit);
    }

    [Fact]
    public void Release_SlowAnswers_NeverBecomeTheUsualLatency()
    {
        var limiter = Create();
        Answer(limiter, Usual);
        _time.Advance(TimeSpan.FromSeconds(30));
        Answer(limiter, TimeSpan.FromSeconds(2));
        Assert.Equal(90, limiter.Limit);
        _time.Advance(TimeSpan.FromSeconds(40));

        // The 100 ms answer has expired and the slow one was never taken as usual: nothing to compare with, so
        // this answer is not slow, and it is the usual from now on.
        Answer(limiter, TimeSpan.FromMilliseconds(4_100));
        Assert.Equal(90, limiter.Limit);
        Answer(limiter, TimeSpan.FromMilliseconds(8_300));

        Assert.Equal(81, limiter.Limit);
    }

    // The AIMD mechanics from the ceiling down (the initial limit and slow start have specs of their own above).
    private AdaptiveConcurrencyLimiter Create(int ceiling = Ceiling) => new(ceiling, initial: ceiling, latencyTolerance: 2.0, _time);

    /// <summary>A limiter at 90 after one overload, with nothing in flight.</summary>
    private AdaptiveConcurrencyLimiter CutOnce()
    {
        var limiter = Create();
        Assert.True(limiter.TryAcquire(out var permit));
        limiter.Release(permit, LimiterSample.Overloaded, TimeSpan.Zero);
        Assert.Equal((90, 0), (limiter.Limit, limiter.InFlight));
        return limiter;
    }

    private static List<LimiterPermit> Take(AdaptiveConcurrencyLimiter limiter, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => limiter.TryAcquire(out var permit) ? permit : throw new InvalidOperationException("no slot"))];

    /// <summary>
    /// <paramref name="answers"/> timely answers, each of the oldest call in flight, each followed by a new call: the
    /// limiter stays as used as it was.
    /// </summary>
    private static void AnswerInTurn(AdaptiveConcurrencyLimiter limiter, Queue<LimiterPermit> inFlight, int answers)
    {
        for (var i = 0; i < answers; i++)
        {
            limiter.Release(inFlight.Dequeue(), LimiterSample.Answered, Usual);
            Assert.True(limiter.TryAcquire(out var permit));
            inFlight.Enqueue(permit);
        }
    }

    /// <summary>One call, alone in flight, answered after <paramref name="latency"/>.</summary>
    private static void Answer(AdaptiveConcurrencyLimiter limiter, TimeSpan latency)
    {
        Assert.True(limiter.TryAcquire(out var permit));
        limiter.Release(permit, LimiterSample.Answered, latency);
    }
}
