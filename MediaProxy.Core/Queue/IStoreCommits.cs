namespace MediaProxy.Core.Queue;

/// <summary>
/// When a store's write is durable. Redis answers a write once its own persistence has it (the operator's to
/// configure), so there is nothing to wait for; the embedded Garnet commits its append-only file in groups, and a
/// write a promise rests on (a 202, a session id, an acknowledged event) waits for its group.
/// </summary>
public interface IStoreCommits
{
    /// <summary>Returns once every write answered before the call is durable.</summary>
    ValueTask WaitCommittedAsync(CancellationToken cancellationToken);
}

/// <summary>A store whose answer to a write is its commit (Redis, the embedded store in memory).</summary>
public sealed class ImmediateCommits : IStoreCommits
{
    public static ImmediateCommits Instance { get; } = new();

    public ValueTask WaitCommittedAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
