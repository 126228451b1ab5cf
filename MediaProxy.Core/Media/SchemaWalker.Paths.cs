using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace MediaProxy.Core.Media;

/// <summary>Where the walk is (the field path, kept as JSON properties and indexes) and how its errors read.</summary>
internal ref partial struct SchemaWalker
{
    private readonly bool InParams => _depth == 1 && _path[0].Property.NameEquals("params"u8);

    private readonly string NotAllowed(SchemaNode node)
    {
        var note = node.Description is { } description ? " " + description : string.Empty;
        if (_depth == 1)
        {
            return $"Unknown property: a {_eventType} event has {string.Join(", ", node.Properties.All.Select(p => p.Name))}.{note}";
        }

        if (InParent("params"u8))
        {
            return $"Unknown param: the {_eventType} schema has no such param (a typo?).{note}";
        }

        return node.Patterns.Length > 0 ? $"Not allowed here: names must match {string.Join(" or ", node.Patterns.Select(p => p.Pattern))}.{note}"
            : node.Properties.Count > 0 ? $"Not allowed here: allowed are {string.Join(", ", node.Properties.All.Select(p => p.Name))}.{note}"
            : $"Not allowed here.{note}";
    }

    private readonly bool InParent(ReadOnlySpan<byte> name) =>
        _depth == 2 && _path[0].Index < 0 && _path[0].Property.NameEquals(name);

    private void Push(PathSegment segment)
    {
        // A body nests at most as deep as the parser allows (MaxDepth 8), far below MaxPath.
        _path[Math.Min(_depth, MaxPath - 1)] = segment;
        _depth++;
    }

    private readonly void Error(string message) => _errors.Add(Path(null), message);

    private readonly string Name()
    {
        if (_depth == 0)
        {
            return "The event";
        }

        var last = _path[Math.Min(_depth, MaxPath) - 1];
        return last.Index >= 0 ? $"[{last.Index}]" : last.Property.Name;
    }

    /// <summary>The field path of an error: <c>[3].params.media.ad.id</c>, <c>params.statesStart[0].media.state.name</c>.</summary>
    private readonly string Path(string? child)
    {
        var path = new StringBuilder();
        if (_eventIndex >= 0)
        {
            path.Append('[').Append(_eventIndex).Append(']');
        }

        for (var i = 0; i < Math.Min(_depth, MaxPath); i++)
        {
            if (_path[i].Index >= 0)
            {
                path.Append('[').Append(_path[i].Index).Append(']');
            }
            else
            {
                path.Append(path.Length > 0 ? "." : string.Empty).Append(_path[i].Property.Name);
            }
        }

        if (child is not null)
        {
            path.Append(path.Length > 0 ? "." : string.Empty).Append(child);
        }

        return path.Length > 0 ? path.ToString() : "$";
    }

    /// <summary>One step of a field path: a property, or an array index (<see cref="Index"/> ≥ 0).</summary>
    private readonly struct PathSegment(JsonProperty property, int index)
    {
        public JsonProperty Property { get; } = property;

        public int Index { get; } = index;
    }

    [InlineArray(MaxPath)]
    private struct PathBuffer
    {
        private PathSegment _first;
    }
}
