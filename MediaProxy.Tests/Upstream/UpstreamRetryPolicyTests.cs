using System.Net;
using System.Net.Http.Headers;
using MediaProxy.Core.Upstream;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MediaProxy.Tests.Upstream;

/// <summary>What is retried, and after how long: the decisions that keep one playback to one upstream session.</summary>
public sealed class UpstreamRetryPolicyTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.BadGateway, false)]
    [InlineData(HttpStatusCode.GatewayTimeout, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Created, false)]
    public void IsSafeToRetrySessionsCall_Status_RetriedOnlyWhenNothingWasCreated(HttpStatusCode status, bool expected)
    {
        using var response = new HttpResponseMessage(status);

        Assert.Equal(expected, UpstreamServiceCollectionExtensions.IsSafeToRetrySessionsCall(Outcome.FromResult(response)));
    }

    [Fact]
    public void IsSafeToRetrySessionsCall_ConnectionRefused_Retried() =>
        Assert.True(UpstreamServiceCollectionExtensions.IsSafeToRetrySessionsCall(
            Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))));

    [Fact]
    public void IsSafeToRetrySessionsCall_AttemptTimedOut_NotRetriedInLine() =>
        // The request may have reached the upstream and created a session: a blind retry could make a second.
        Assert.False(UpstreamServiceCollectionExtensions.IsSafeToRetrySessionsCall(
            Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException())));

    [Fact]
    public void RetryAfter_DeltaSeconds_UsedAsDelay()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));

        var delay = UpstreamServiceCollectionExtensions.RetryAfter(Outcome.FromResult(response), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch);

        Assert.Equal(TimeSpan.FromSeconds(3), delay);
    }

    [Fact]
    public void RetryAfter_HttpDate_DelayUntilThatDate()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(now.AddSeconds(7));

        var delay = UpstreamServiceCollectionExtensions.RetryAfter(Outcome.FromResult(response), TimeSpan.FromSeconds(30), now);

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
    }

    [Fact]
    public void RetryAfter_LongerThanCap_Capped()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1));

        var delay = UpstreamServiceCollectionExtensions.RetryAfter(Outcome.FromResult(response), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch);

        Assert.Equal(TimeSpan.FromSeconds(30), delay);
    }

    [Fact]
    public void RetryAfter_NoHeader_NullSoBackoffApplies()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Null(UpstreamServiceCollectionExtensions.RetryAfter(Outcome.FromResult(response), TimeSpan.FromSeconds(30), DateTimeOffset.UnixEpoch));
    }

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
        Assert.Equal(expected, UpstreamResult.FromStatus((HttpStatusCode)status, null, forEvent).Outcome);

    [Theory]
    [InlineData(500, true)]
    [InlineData(504, true)]
    [InlineData(503, false)]
    [InlineData(429, false)]
    public void FromStatus_ServerErrors_FlagPossibleDuplicateExcept503(int status, bool expected) =>
        Assert.Equal(expected, UpstreamResult.FromStatus((HttpStatusCode)status, null, forEvent: false).MayHaveReachedUpstream);

    [Fact]
    public void Failed_OpenCircuitOrRefusedConnection_NoPossibleDuplicate()
    {
        Assert.False(UpstreamResult.Failed(new BrokenCircuitException()).MayHaveReachedUpstream);
        Assert.False(UpstreamResult.Failed(new HttpRequestException(HttpRequestError.ConnectionError, "refused")).MayHaveReachedUpstream);
        Assert.True(UpstreamResult.Failed(new TimeoutRejectedException()).MayHaveReachedUpstream);
    }
}
