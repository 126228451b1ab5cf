namespace MediaProxy.Core.Media;

/// <summary>
/// The rules in force, shared by the intake, the OpenAPI document and the drop-in schema endpoint. Starts with the
/// shipped copy; <see cref="MediaSchemaRefresher"/> swaps in schemas from the store and the upstream. A swap is
/// one reference write, so a post is always checked against one whole, consistent set.
/// </summary>
public sealed class MediaSchemaRegistry
{
    private readonly Lock _replacing = new();
    private MediaEventRules _current = MediaEventRules.Shipped;

    public MediaEventRules Current => Volatile.Read(ref _current);

    /// <summary>Puts <paramref name="schemas"/> in force in place of those of their event types; true when anything changed.</summary>
    public bool Replace(IEnumerable<MediaEventSchema> schemas)
    {
        ArgumentNullException.ThrowIfNull(schemas);
        lock (_replacing)
        {
            var rules = Current;
            var changed = false;
            foreach (var schema in schemas)
            {
                if (rules.Find(schema.EventType) is { } inForce && inForce.Document == schema.Document && inForce.Origin == schema.Origin)
                {
                    continue;
                }

                rules = rules.With(schema);
                changed = true;
            }

            Volatile.Write(ref _current, rules);
            return changed;
        }
    }
}
