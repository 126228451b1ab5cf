using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Upstream;

/// <summary>
/// The instance's outage state on a fake clock: down after 3 failures in a row (here), then one probe per
/// interval (10 s here, jittered up to half an interval later, never before a Retry-After), up again on the first
/// answer.
/// </summary>
public sealed class UpstreamHealthTests
{
    private const int Threshold = 3;
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Report_FailuresBelowTheThreshold_StaysUp()
    {
        var health = Create();

        Fail(health, Threshold - 1);

        Assert.True(health.IsAvailable);
        Assert.Null(health.NextProbeAt);
        Assert.Equal(HealthPermit.Call, health.TryEnter());
    }

    [Fact]
    public void Report_ThresholdFailuresInARow_DownAndCallsRefused()
    {
        var health = Create();

        Fail(health, Threshold);

        Assert.False(health.IsAvailable);
        Assert.Equal(HealthPermit.Refused, health.TryEnter());
    }

    [Theory]
    [InlineData(UpstreamSignal.Answered)]
    [InlineData(UpstreamSignal.Overloaded)]
    public void Report_AnswerBetweenFailures_StartsTheCountAgain(UpstreamSignal answer)
    {
        var health = Create();
        Fail(health, Threshold - 1);

        health.Report(HealthPermit.Call, answer, null);
        Fail(health, Threshold - 1);

        Assert.True(health.IsAvailable);
        Fail(health, 1);
        Assert.False(health.IsAvailable);
    }

    [Fact]
    public void Report_ManyTooManyRequests_StaysUp()
    {
        var health = Create();

        for (var i = 0; i < Threshold * 10; i++)
        {
            health.Report(HealthPermit.Call, UpstreamSignal.Overloaded, TimeSpan.FromSeconds(1));
        }

        Assert.True(health.IsAvailable);
    }

    [Fact]
    public void Report_NothingLearnt_NotCountedAsAFailure()
    {
        var health = Create();

        for (var i = 0; i < Threshold * 10; i++)
        {
            health.Report(HealthPermit.Call, UpstreamSignal.None, null);
        }

        Assert.True(health.IsAvailable);
    }

    [Fact]
    public void NextProbeAt_WentDown_AnIntervalToAnIntervalAndAHalfLaterJittered()
    {
        var probes = new List<TimeSpan>();
        for (var i = 0; i < 200; i++)
        {
            var health = Create();
            Fail(health, Threshold);
            probes.Add(health.NextProbeAt!.Value - _time.GetUtcNow());
        }

        // Never sooner than an interval: at most one probe per interval.
        Assert.All(probes, p => Assert.InRange(p, Interval, Interval * 1.5));
        // Instances that went down together must not probe together.
        Assert.True(probes.Distinct().Count() > 100, $"only {probes.Distinct().Count()} distinct probe times of 200");
        Assert.True(probes.Min() < Interval * 1.1 && probes.Max() > Interval * 1.4, $"probes between {probes.Min()} and {probes.Max()}");
    }

    [Fact]
    public void TryEnter_DownBeforeTheProbeIsDue_Refused()
    {
        var health = Create();
        Fail(health, Threshold);

        _time.SetUtcNow(health.NextProbeAt!.Value - TimeSpan.FromMilliseconds(1));

        Assert.Equal(HealthPermit.Refused, health.TryEnter());
    }

    [Fact]
    public void TryEnter_ProbeDue_ExactlyOneProbe()
    {
        var health = Create();
        Fail(health, Threshold);
        _time.SetUtcNow(health.NextProbeAt!.Value);

        var permits = Enumerable.Range(0, 10).Select(_ => health.TryEnter()).ToList();

        Assert.Equal(HealthPermit.Probe, permits[0]);
        Assert.All(permits.Skip(1), p => Assert.Equal(HealthPermit.Refused, p));
    }

    [Fact]
    public void TryEnter_ProbeDueForLong_StillExactlyOneProbe()
    {
        var health = Create();
        Fail(health, Threshold);
        _time.Advance(Interval * 100);

        var permits = Enumerable.Range(0, 10).Select(_ => health.TryEnter()).ToList();

        Assert.Single(permits, p => p == HealthPermit.Probe);
    }

    [Fact]
    public void TryEnter_ProbeStillUnansweredAnIntervalLater_TheNextIntervalsProbeGoes()
    {
        var health = DownWithAProbeOut();

        // A hung upstream keeps the probe a whole attempt timeout: the next one is due an interval later regardless,
        // so an upstream that is back is found within an interval and a half, not an attempt timeout.
        Assert.InRange(health.NextProbeAt!.Value - _time.GetUtcNow(), Interval, Interval * 1.5);
        Assert.Equal(HealthPermit.Refused, health.TryEnter());
        _time.SetUtcNow(health.NextProbeAt!.Value);

        var permits = Enumerable.Range(0, 10).Select(_ => health.TryEnter()).ToList();

        Assert.Single(permits, p => p == HealthPermit.Probe);
    }

    [Fact]
    public void Report_HungProbeFailsLate_NextProbeAnIntervalAfterItsAnswer()
    {
        var health = DownWithAProbeOut();
        _time.Advance(Interval * 3);
        Assert.Equal(HealthPermit.Probe, health.TryEnter());

        health.Report(HealthPermit.Probe, UpstreamSignal.Failing, null);

        Assert.InRange(health.NextProbeAt!.Value - _time.GetUtcNow(), Interval, Interval * 1.5);
        Assert.False(health.IsAvailable);
    }

    [Fact]
    public void Report_HungProbesTimingOutOneAfterAnother_DoNotPostponeTheNextProbe()
    {
        var health = DownWithAProbeOut();
        var due = health.NextProbeAt!.Value;

        // Probes sent into the hang long ago time out one after another, closer together than an interval.
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Interval / 5);
            health.Report(HealthPermit.Probe, UpstreamSignal.Failing, null);
        }

        Assert.Equal(due, health.NextProbeAt);
    }

    [Fact]
    public void Report_WentDownWithRetryAfterLongerThanTheInterval_NoProbeBeforeRetryAfter()
    {
        var health = Create();
        Fail(health, Threshold - 1);
        var downAt = _time.GetUtcNow();

        health.Report(HealthPermit.Call, UpstreamSignal.Failing, TimeSpan.FromSeconds(60));

        Assert.True(health.NextProbeAt >= downAt + TimeSpan.FromSeconds(60), $"next probe at {health.NextProbeAt - downAt} after going down");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(HealthPermit.Refused, health.TryEnter());
    }

    [Fact]
    public void Report_ProbeFailed_NextProbeMovedOnByTheJitteredInterval()
    {
        var health = Create();
        Fail(health, Threshold);
        _time.SetUtcNow(health.NextProbeAt!.Value);
        var probedAt = _time.GetUtcNow();
        Assert.Equal(HealthPermit.Probe, health.TryEnter());

        health.Report(HealthPermit.Probe, UpstreamSignal.Failing, null);

        Assert.False(health.IsAvailable);
        Assert.InRange(health.NextProbeAt!.Value - probedAt, Interval, Interval * 1.5);
        Assert.Equal(HealthPermit.Refused, health.TryEnter());
        _time.SetUtcNow(health.NextProbeAt!.Value);
        Assert.Equal(HealthPermit.Probe, health.TryEnter());
    }

    [Fact]
    public void Report_ProbeFailedWithRetryAfter_NextProbeNotBeforeIt()
    {
        var health = Create();
        Fail(health, Threshold);
        _time.SetUtcNow(health.NextProbeAt!.Value);
        var probedAt = _time.GetUtcNow();
        health.TryEnter();

        health.Report(HealthPermit.Probe, UpstreamSignal.Failing, TimeSpan.FromSeconds(45));

        Assert.True(health.NextProbeAt >= probedAt + TimeSpan.FromSeconds(45), $"next probe {health.NextProbeAt - probedAt} after the probe");
    }

    [Fact]
    public void Report_ProbeNeverSent_TheNextCallerProbesAtOnce()
    {
        var health = DownWithAProbeOut();

        health.Report(HealthPermit.Probe, UpstreamSignal.None, null);

        Assert.False(health.IsAvailable);
        Assert.Equal(HealthPermit.Probe, health.TryEnter());
    }

    [Fact]
    public void Report_CallSentBeforeTheOutageFailsWhileDown_ProbeNotMoved()
    {
        var health = Create();
        Fail(health, Threshold);
        var probeAt = health.NextProbeAt;

        // Calls let through while it was up answer late: they neither push the probe back nor bring it forward.
        health.Report(HealthPermit.Call, UpstreamSignal.Failing, TimeSpan.FromMinutes(5));
        health.Report(HealthPermit.Call, UpstreamSignal.None, null);

        Assert.Equal(probeAt, health.NextProbeAt);
        Assert.Equal(HealthPermit.Refused, health.TryEnter());
    }

    [Fact]
    public void Report_ProbeAnswered_UpAndRecoveredRaisedOnce()
    {
        var health = Create();
        var recovered = 0;
        health.Recovered += () => recovered++;
        Fail(health, Threshold);
        _time.SetUtcNow(health.NextProbeAt!.Value);
        health.TryEnter();

        health.Report(HealthPermit.Probe, UpstreamSignal.Answered, null);
        health.Report(HealthPermit.Call, UpstreamSignal.Answered, null);
        health.Report(HealthPermit.Call, UpstreamSignal.Overloaded, null);

        Assert.True(health.IsAvailable);
        Assert.Null(health.NextProbeAt);
        Assert.Equal(HealthPermit.Call, health.TryEnter());
        Assert.Equal(1, recovered);
    }

    [Fact]
    public void Report_AnyAnswerWhileDown_Up()
    {
        var health = Create();
        var recovered = 0;
        health.Recovered += () => recovered++;
        Fail(health, Threshold);

        // A call let through before the outage answers (a 429 is an answer): the upstream is there.
        health.Report(HealthPermit.Call, UpstreamSignal.Overloaded, TimeSpan.FromSeconds(1));

        Assert.True(health.IsAvailable);
        Assert.Equal(1, recovered);
    }

    [Fact]
    public void Report_DownAgainAfterRecovering_RecoveredRaisedAgainAndCountStartsAfresh()
    {
        var health = Create();
        var recovered = 0;
        health.Recovered += () => recovered++;
        Fail(health, Threshold);
        health.Report(HealthPermit.Call, UpstreamSignal.Answered, null);

        Fail(health, Threshold - 1);
        Assert.True(health.IsAvailable);
        Fail(health, 1);
        health.Report(HealthPermit.Call, UpstreamSignal.Answered, null);

        Assert.Equal(2, recovered);
    }

    private UpstreamHealth Create() => new(
        Options.Create(new UpstreamOptions { OutageThreshold = Threshold, ProbeInterval = Interval }),
        _time,
        NullLogger<UpstreamHealth>.Instance);

    /// <summary>Down, and the first probe due and sent (unanswered).</summary>
    private UpstreamHealth DownWithAProbeOut()
    {
        var health = Create();
        Fail(health, Threshold);
        _time.SetUtcNow(health.NextProbeAt!.Value);
        Assert.Equal(HealthPermit.Probe, health.TryEnter());
        return health;
    }

    private static void Fail(UpstreamHealth health, int times)
    {
        for (var i = 0; i < times; i++)
        {
            health.Report(HealthPermit.Call, UpstreamSignal.Failing, null);
        }
    }
}
