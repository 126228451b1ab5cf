using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MediaProxy.Core.Queue;
using MediaProxy.Core.Upstream;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// A playback's background work as explicit stages: <c>starting</c> → <see cref="SessionStarter"/>,
/// <c>replaying</c> → <see cref="QueueDeliverer"/>; any other state has nothing to do. Runs stages while they move
/// the playback on, and hands the worker the first other outcome. A session recorded with events queued goes
/// straight to its replay, from the head that came back with it: the playback is read once per batch, not per stage.
/// </summary>
public sealed class PlaybackStages
{
    private readonly IPlaybackStore _store;
    private readonly SessionStarter _starter;
    private readonly QueueDeliverer _deliverer;
    private readonly UpstreamGate _gate;
    private readonly StrongBox<int> _starting = new();
    private readonly StrongBox<int> _replaying = new();

    public PlaybackStages(IPlaybackStore store, SessionStarter starter, QueueDeliverer deliverer, UpstreamGate gate, IMeterFactory meterFactory)
    {
        (_store, _starter, _deliverer, _gate) = (store, starter, deliverer, gate);
        meterFactory.Create(PlaybackMetrics.MeterName).CreateObservableGauge("mediaproxy.playbacks.working", () => new[]
        {
            new Measurement<int>(Volatile.Read(ref _starting.Value), new KeyValuePair<string, object?>("stage", "starting")),
            new Measurement<int>(Volatile.Read(ref _replaying.Value), new KeyValuePair<string, object?>("stage", "replaying")),
        }, "{playback}", "Playbacks this instance is working now, by stage (a sessions call, a replay).");
    }

    /// <summary>Runs the stages; <paramref name="reserved"/>, a sessions call slot waited for, goes to the first sessions call.</summary>
    public async Task<StageOutcome> RunAsync(string playbackKey, UpstreamPass? reserved, CancellationToken cancellationToken)
    {
        try
        {
            StageOutcome outcome = StageOutcome.Next;
            while (true)
            {
                if (outcome is StageOutcome.Replay replay)
                {
                    // The session was just recorded: its replay starts from the head that came back with it.
                    outcome = await CountedAsync(() => _deliverer.RunAsync(playbackKey, replay.SessionId, replay.Head, cancellationToken), _replaying);
                    continue;
                }

                if (outcome != StageOutcome.Next)
                {
                    return outcome;
                }

                var playback = await _store.GetAsync(playbackKey, cancellationToken);
                var slot = playback?.State == PlaybackState.Starting ? reserved : null;
                reserved = slot is null ? reserved : null;
                outcome = playback?.State switch
                {
                    PlaybackState.Starting => await CountedAsync(() => _starter.RunAsync(playbackKey, playback, slot, cancellationToken), _starting),
                    PlaybackState.Replaying => await CountedAsync(() => _deliverer.RunAsync(playbackKey, playback.SessionId!, null, cancellationToken), _replaying),
                    _ => StageOutcome.Done,
                };
            }
        }
        finally
        {
            // Not starting any more (another instance started the session meanwhile): the slot goes back.
            if (reserved is { } unused)
            {
                _gate.Abandon(unused);
            }
        }
    }

    private static async Task<StageOutcome> CountedAsync(Func<Task<StageOutcome>> stage, StrongBox<int> working)
    {
        Interlocked.Increment(ref working.Value);
        try
        {
            return await stage();
        }
        finally
        {
            Interlocked.Decrement(ref working.Value);
        }
    }
}
