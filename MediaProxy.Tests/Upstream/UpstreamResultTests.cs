using System.Net;
using System.Net.Http.Headers;
using MediaProxy.Core.Upstream;
using Polly.Timeout;

namespace MediaProxy.Tests.Upstream;

/// <summary>How an answer is read: what the proxy does next, what it says about the upstream, how long to wait.</summary>
public sealed class UpstreamResultTests
{
    [Theory]
    [InlineData(204, true, UpstreamOutcome.Accepted)]
    [InlineData(400, true, UpstreamOutcome.Rejected)]
    [InlineData(404, true, UpstreamOutcome.SessionGone)]
    [InlineData(410, true, UpstreamOutcome.SessionGone)]
    [InlineData(404, false, UpstreamOutcome.Rejected)]
    [InlineData(429, true, UpstreamOutcome.Retryable)]
    [InlineData(408, true, UpstreamOutcome.Retryable)]
    [InlineData(503, false, UpstreamOutcome.Retryable)]
    [InlineData(500, true, UpstreamOutcome.Retryable)]
    public void FromStatus_StatusTableOfTheApi_OutcomeForTheProxy(int status, bool forEvent, UpstreamOutcome expected) =>
        Assert.Equal(expected, UpstreamResult.FromStatus((HttpStatusCode)status, null, forEvent, null).Outcome);

    [Theory]
    [InlineData(204, UpstreamSignal.Answered)]
    [InlineData(400, UpstreamSignal.Answered)]
    [InlineData(410, UpstreamSignal.Answered)]
    [InlineData(429, UpstreamSignal.Overloaded)]
    [InlineData(503, UpstreamSignal.Failing)]
    [InlineData(500, UpstreamSignal.Failing)]
    public void Signal_Status_WhatItSaysAboutTheUpstream(int status, UpstreamSignal expected) =>
        Assert.Equal(expected, UpstreamResult.FromStatus((HttpStatusCode)status, null, forEvent: true, null).Signal);

    [Fact]
    public void Signal_NotSent_NothingLearnt() =>
        Assert.Equal(UpstreamSignal.None, UpstreamResult.NotSent("down").Signal);

    [Theory]
    [InlineData(500, true)]
    [InlineData(504, true)]
    [InlineData(503, false)]
    [InlineData(429, false)]
    public void FromStatus_ServerErrors_FlagPossibleDuplicateExcept503(int status, bool expected) =>
        Assert.Equal(expected, UpstreamResult.FromStatus((HttpStatusCode)status, null, forEvent: false, null).MayHaveReachedUpstream);

    [Fact]
    public void Failed_RefusedConnectionOrTimeout_DuplicateOnlyWhenItMayHaveArrived()
    {
        var refused = UpstreamResult.Failed(new HttpRequestException(HttpRequestError.ConnectionError, "refused"), timedOut: false);
        var timedOut = UpstreamResult.Failed(new TimeoutRejectedException(), timedOut: true);

        Assert.False(refused.MayHaveReachedUpstream);
        Assert.True(timedOut.MayHaveReachedUpstream);
        Assert.True(timedOut.TimedOut);
        Assert.Equal(UpstreamSignal.Failing, timedOut.Signal);
    }

    [Fact]
    public void FromStatus_RetryAfterOnSuccess_Ignored() =>
        Assert.Null(UpstreamResult.FromStatus(HttpStatusCode.NoContent, null, forEvent: true, TimeSpan.FromSeconds(3)).RetryAfter);

    [Fact]
    public void ParseRetryAfter_DeltaSeconds_UsedAsDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(3), UpstreamResult.ParseRetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch));

    [Fact]
    public void ParseRetryAfter_HttpDate_DelayUntilThatDate()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(7), UpstreamResult.ParseRetryAfter(new RetryConditionHeaderValue(now.AddSeconds(7)), TimeSpan.FromSeconds(30), now));
    }

    [Fact]
    public void ParseRetryAfter_LongerThanCap_Capped() =>
        Assert.Equal(TimeSpan.FromSeconds(30), UpstreamResult.ParseRetryAfter(new RetryConditionHeaderValue(TimeSpan.FromHours(1)), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch));

    [Fact]
    public void ParseRetryAfter_NoHeader_NullSoBackoffApplies() =>
        Assert.Null(UpstreamResult.ParseRetryAfter(null, TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch));
}
