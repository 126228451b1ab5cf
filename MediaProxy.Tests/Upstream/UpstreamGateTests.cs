using MediaProxy.Core.Upstream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MediaProxy.Tests.Upstream;

/// <summary>
/// The one way to the upstream, on a fake clock: outage state and concurrency limits together. Here the upstream
/// is down after 3 failures in a row, probed every 10 s, with 4 sessions calls and 8 event posts at most in flight.
/// </summary>
public sealed class UpstreamGateTests : IDisposable
{
    private const int Threshold = 3;
    private static readonly TimeSpan Answer = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly UpstreamGate _gate;

    public UpstreamGateTests()
    {
        var options = Options.Create(new UpstreamOptions
        {
            OutageThreshold = Threshold,
            ProbeInterval = TimeSpan.FromSeconds(10),
            MaxConcurrentSessionCalls = 4,
            MaxConcurrentEventSends = 8,
        });
        var health = new UpstreamHealth(options, _time, NullLogger<UpstreamHealth>.Instance);
        _gate = new UpstreamGate(health, options, _time, _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task EnterAsync_Up_PassWithASlotOfItsKind()
    {
        var pass = await EnterAsync(UpstreamCall.Events);

        Assert.Equal((UpstreamCall.Events, HealthPermit.Call), (pass.Call, pass.Permit));
        Assert.Equal((0, 1), (_gate.Sessions.InFlight, _gate.Events.InFlight));
    }

    [Fact]
    public async Task EnterAsync_NoSlotFreeAndNoWait_NullWithoutWaiting()
    {
        for (var i = 0; i < 4; i++)
        {
            await EnterAsync(UpstreamCall.Sessions);
        }

        var entering = _gate.EnterAsync(UpstreamCall.Sessions, wait: false, CancellationToken.None);

        Assert.True(entering.IsCompleted);
        Assert.Null(await entering);
    }

    [Fact]
    public async Task EnterAsync_DownAndNoProbeDue_RefusedAtOnceWithoutTakingOrWaitingForASlot()
    {
        await GoDownAsync();
        // Every sessions slot taken: a gate that looked for a slot would wait here.
        for (var i = 0; i < _gate.Sessions.Limit; i++)
        {
            Assert.True(_gate.Sessions.TryAcquire(out _));
        }

        var inFlight = _gate.Sessions.InFlight;
        var entering = _gate.EnterAsync(UpstreamCall.Sessions, wait: true, CancellationToken.None);

        Assert.True(entering.IsCompleted, "the gate waited for a slot while the upstream is down");
        Assert.Null(await entering);
        Assert.Equal(inFlight, _gate.Sessions.InFlight);
    }

    [Fact]
    public async Task EnterAsync_DownAndProbeDue_OneProbePassTheOthersRefusedWithTheirSlotsReleased()
    {
        await GoDownAsync();
        _time.SetUtcNow(_gate.Health.NextProbeAt!.Value);

        var probe = await _gate.EnterAsync(UpstreamCall.Events, wait: true, CancellationToken.None);
        var others = new List<UpstreamPass?>();
        for (var i = 0; i < 3; i++)
        {
            others.Add(await _gate.EnterAsync(UpstreamCall.Events, wait: true, CancellationToken.None));
        }

        Assert.Equal(HealthPermit.Probe, probe?.Permit);
        Assert.All(others, Assert.Null);
        Assert.Equal(1, _gate.Events.InFlight);
    }

    [Fact]
    public async Task EnterAsync_DownProbeDueAndEverySlotHeldByHungCalls_TheProbeGoesOutAtOnce()
    {
        await GoDownAsync();
        _time.SetUtcNow(_gate.Health.NextProbeAt!.Value);
        while (_gate.Sessions.TryAcquire(out _))
        {
        }

        var inFlight = _gate.Sessions.InFlight;
        var entering = _gate.EnterAsync(UpstreamCall.Sessions, wait: true, CancellationToken.None);

        Assert.True(entering.IsCompleted, "the probe waited for a slot held by a hung call");
        Assert.Equal(HealthPermit.Probe, (await entering)?.Permit);
        Assert.Equal(inFlight + 1, _gate.Sessions.InFlight);
    }

    [Fact]
    public async Task EnterAsync_ProbeInFlight_RefusedAtOnceWithoutWaitingForASlot()
    {
        await GoDownAsync();
        _time.SetUtcNow(_gate.Health.NextProbeAt!.Value);
        var probe = await EnterAsync(UpstreamCall.Sessions);
        Assert.Equal(HealthPermit.Probe, probe.Permit);
        while (_gate.Sessions.TryAcquire(out _))
        {
        }

        var entering = _gate.EnterAsync(UpstreamCall.Sessions, wait: true, CancellationToken.None);

        Assert.True(entering.IsCompleted, "the gate waited for a slot while the probe was out");
        Assert.Null(await entering);
    }

    [Fact]
    public async Task Exit_FailuresInARow_DownAndLimitCut()
    {
        await GoDownAsync();

        Assert.False(_gate.Health.IsAvailable);
        Assert.True(_gate.Sessions.Limit < 4, $"sessions limit {_gate.Sessions.Limit}");
        Assert.Equal(0, _gate.Sessions.InFlight);
    }

    [Fact]
    public async Task Exit_TooManyRequests_LimitCutUpstreamStillUp()
    {
        for (var i = 0; i < Threshold * 2; i++)
        {
            var pass = await EnterAsync(UpstreamCall.Events);
            _gate.Exit(pass, Status(429));
        }

        Assert.True(_gate.Health.IsAvailable);
        Assert.True(_gate.Events.Limit < 8, $"events limit {_gate.Events.Limit}");
    }

    [Fact]
    public async Task Exit_TooManyRequests_LimitDownToTheCallsInFlightNotJustCut()
    {
        var passes = new List<UpstreamPass>();
        for (var i = 0; i < 5; i++)
        {
            passes.Add(await EnterAsync(UpstreamCall.Events));
        }

        _gate.Exit(passes[0], Status(429));

        // 5 in flight when it was refused, × 0.9: a 503 would have cut 8 to 7.
        Assert.Equal(4, _gate.Events.Limit);
    }

    [Fact]
    public async Task Exit_ProbeAnswered_LimitsCutBeforeTheOutageRaisedToAnEighthOfTheirCeilings()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = Options.Create(new UpstreamOptions
        {
            OutageThreshold = Threshold,
            ProbeInterval = TimeSpan.FromSeconds(10),
            MaxConcurrentSessionCalls = 64,
            MaxConcurrentEventSends = 128,
        });
        var gate = new UpstreamGate(new UpstreamHealth(options, _time, NullLogger<UpstreamHealth>.Instance), options, _time,
            services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        foreach (var call in new[] { UpstreamCall.Sessions, UpstreamCall.Events })
        {
            // Refused while alone in flight: down to 1.
            gate.Exit((await gate.EnterAsync(call, wait: false, CancellationToken.None))!.Value, Status(429));
        }

        for (var i = 0; i < Threshold; i++)
        {
            gate.Exit((await gate.EnterAsync(UpstreamCall.Events, wait: false, CancellationToken.None))!.Value, Status(503));
        }

        Assert.Equal((false, 1, 1), (gate.Health.IsAvailable, gate.Sessions.Limit, gate.Events.Limit));
        _time.SetUtcNow(gate.Health.NextProbeAt!.Value);

        gate.Exit((await gate.EnterAsync(UpstreamCall.Sessions, wait: false, CancellationToken.None))!.Value, Status(400));

        // What was learnt before and during the outage says nothing of the upstream's capacity now.
        Assert.True(gate.Health.IsAvailable);
        Assert.Equal((8, 16), (gate.Sessions.Limit, gate.Events.Limit));
    }

    [Fact]
    public async Task Exit_ProbeAnswered_UpAndSlotReturned()
    {
        await GoDownAsync();
        _time.SetUtcNow(_gate.Health.NextProbeAt!.Value);
        var probe = await EnterAsync(UpstreamCall.Sessions);

        _gate.Exit(probe, Status(400));

        Assert.True(_gate.Health.IsAvailable);
        Assert.Equal(0, _gate.Sessions.InFlight);
        Assert.Equal(HealthPermit.Call, (await EnterAsync(UpstreamCall.Sessions)).Permit);
    }

    [Fact]
    public async Task Exit_LatencyMeasuredFromTheEnter_SlowAnswerCutsTheLimit()
    {
        var quick = await EnterAsync(UpstreamCall.Events);
        _time.Advance(Answer);
        _gate.Exit(quick, Status(204));

        var slow = await EnterAsync(UpstreamCall.Events);
        _time.Advance(TimeSpan.FromSeconds(1));
        _gate.Exit(slow, Status(204));

        Assert.Equal(7, _gate.Events.Limit);
    }

    [Fact]
    public async Task Abandon_Probe_SlotReturnedLimitKeptAndTheNextCallerProbes()
    {
        await GoDownAsync();
        _time.SetUtcNow(_gate.Health.NextProbeAt!.Value);
        var limit = _gate.Sessions.Limit;
        var probe = await EnterAsync(UpstreamCall.Sessions);

        _gate.Abandon(probe);

        Assert.Equal((0, limit), (_gate.Sessions.InFlight, _gate.Sessions.Limit));
        Assert.False(_gate.Health.IsAvailable);
        Assert.Equal(HealthPermit.Probe, (await EnterAsync(UpstreamCall.Sessions)).Permit);
    }

    [Theory]
    [InlineData(null, 1_024)]
    [InlineData(4_096, 4_096)]
    public void New_InitialSessionCalls_SessionsLimitStartsThereEventsAtASixteenth(int? initial, int expected)
    {
        var options = Options.Create(new UpstreamOptions { InitialConcurrentSessionCalls = initial });
        var gate = new UpstreamGate(new UpstreamHealth(options, _time, NullLogger<UpstreamHealth>.Instance), options, _time,
            _services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

        Assert.Equal((expected, 16_384, 64), (gate.Sessions.Limit, gate.Sessions.Ceiling, gate.Events.Limit));
    }

    [Fact]
    public void Validate_InitialSessionCallsAboveTheCeiling_NamesTheSetting()
    {
        var options = new UpstreamOptions { MaxConcurrentSessionCalls = 100, InitialConcurrentSessionCalls = 101 };

        var error = Assert.Single(options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)));

        Assert.Equal([nameof(UpstreamOptions.InitialConcurrentSessionCalls)], error.MemberNames);
    }

    private async Task<UpstreamPass> EnterAsync(UpstreamCall call) =>
        await _gate.EnterAsync(call, wait: false, CancellationToken.None) ?? throw new InvalidOperationException("refused");

    /// <summary>Sessions calls failing with 503 until the upstream is taken as down.</summary>
    private async Task GoDownAsync()
    {
        for (var i = 0; i < Threshold; i++)
        {
            var pass = await EnterAsync(UpstreamCall.Sessions);
            _time.Advance(Answer);
            _gate.Exit(pass, Status(503));
        }

        Assert.False(_gate.Health.IsAvailable);
    }

    private static UpstreamResult Status(int code) =>
        UpstreamResult.FromStatus((System.Net.HttpStatusCode)code, null, forEvent: true, retryAfter: null);
}
