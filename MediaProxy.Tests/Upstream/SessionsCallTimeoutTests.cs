using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Options;

namespace MediaProxy.Tests.Upstream;

/// <summary>The sessions call's attempt timeout: 10 s to begin with, doubling on timeouts up to 90 s.</summary>
public sealed class SessionsCallTimeoutTests
{
    private static readonly TimeSpan Attempt = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(90);

    private readonly SessionsCallTimeout _timeout = new(Options.Create(new UpstreamOptions { AttemptTimeout = Attempt, MaxSessionsAttemptTimeout = Max }));

    [Fact]
    public void Current_New_TheAttemptTimeout()
    {
        Assert.Equal(Attempt, _timeout.Current);
        Assert.Equal(Attempt, _timeout.For(timedOutBefore: false));
    }

    [Fact]
    public void TimedOut_Repeatedly_DoublesUpToTheMaximum()
    {
        var seen = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            _timeout.TimedOut();
            seen.Add(_timeout.Current);
        }

        Assert.Equal([Seconds(20), Seconds(40), Seconds(80), Max, Max], seen);
    }

    [Fact]
    public void Answered_QuickAfterTimeouts_DownToFourTimesItsLatency()
    {
        TimeOut(3); // 80 s

        _timeout.Answered(Seconds(15));

        Assert.Equal(Seconds(60), _timeout.Current);
    }

    [Fact]
    public void Answered_VeryQuickAfterTimeouts_BackToTheAttemptTimeoutNotBelow()
    {
        TimeOut(3);

        _timeout.Answered(TimeSpan.FromMilliseconds(200));

        Assert.Equal(Attempt, _timeout.Current);
    }

    [Fact]
    public void Answered_SlowerThanAQuarterOfTheTimeout_TimeoutKept()
    {
        TimeOut(3); // 80 s

        // 4 × 30 s is above 80 s: the timeout must not be cut below what this upstream needs.
        _timeout.Answered(Seconds(30));

        Assert.Equal(Seconds(80), _timeout.Current);
    }

    [Fact]
    public void For_PlaybackWhoseLastCallTimedOut_TheMaximumWhateverTheCurrent()
    {
        Assert.Equal(Max, _timeout.For(timedOutBefore: true));
        TimeOut(1);
        Assert.Equal((Max, Seconds(20)), (_timeout.For(timedOutBefore: true), _timeout.For(timedOutBefore: false)));
    }

    private void TimeOut(int times)
    {
        for (var i = 0; i < times; i++)
        {
            _timeout.TimedOut();
        }
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);
}
