using System.Text;

namespace MediaProxy.Core.Media;

/// <summary>JSON Schema's primitive types, as flags so a node can allow several (<c>"type": ["string", "integer"]</c>).</summary>
[Flags]
internal enum JsonTypes
{
    None = 0,
    Object = 1,
    Array = 2,
    String = 4,
    Number = 8,
    Integer = 16,
    Boolean = 32,
    Null = 64,
    Any = Object | Array | String | Number | Integer | Boolean | Null,
}

/// <summary>
/// One compiled JSON Schema (the draft-04 subset Adobe's event schemas use). Built once by <see cref="SchemaCompiler"/>
/// and read without allocating by <see cref="SchemaWalker"/>: names are kept as UTF-8, as they arrive in a body.
/// A <c>$ref</c> is resolved at compile time, so nodes may be shared (and may form cycles). Lists are arrays: a
/// foreach over an interface would allocate an enumerator per event.
/// </summary>
internal sealed class SchemaNode
{
    public JsonTypes Types { get; set; } = JsonTypes.Any;

    public PropertyTable Properties { get; set; } = PropertyTable.Empty;

    /// <summary>Required property names (declared in <see cref="Properties"/> or not), in the schema's order.</summary>
    public RequiredName[] Required { get; set; } = [];

    public PatternRule[] Patterns { get; set; } = [];

    /// <summary>The schema of properties neither declared nor matched by a pattern; null with <see cref="AdditionalAllowed"/> false refuses them.</summary>
    public SchemaNode? Additional { get; set; }

    public bool AdditionalAllowed { get; set; } = true;

    public EnumValue[]? Enum { get; set; }

    public int MinLength { get; set; }

    public double? Minimum { get; set; }

    public SchemaNode? Items { get; set; }

    public string? Description { get; set; }
}

/// <summary>
/// A required property name, as text (for messages) and as UTF-8 (for lookups); <see cref="Declared"/> when it is also
/// in <see cref="SchemaNode.Properties"/>, whose rule then marks it seen as the walk passes it.
/// </summary>
internal sealed record RequiredName(string Name, byte[] Utf8, bool Declared);

/// <summary>One allowed value of an <c>enum</c> (strings, numbers, booleans and null are supported).</summary>
internal sealed record EnumValue(string Text, byte[]? Utf8String, double? Number, bool? Boolean)
{
    public static EnumValue Of(string value) => new(value, Encoding.UTF8.GetBytes(value), null, null);
}

/// <summary>A declared property: its name as text and UTF-8, its schema, and its index in the node's required names (-1: optional).</summary>
internal sealed record PropertyRule(string Name, byte[] Utf8, SchemaNode Node)
{
    public int RequiredIndex { get; set; } = -1;
}

/// <summary>
/// Declared properties ordered by UTF-8 length then bytes, so a name is found by a binary search on its raw bytes
/// with no string made (every param of every event is looked up here).
/// </summary>
internal sealed class PropertyTable
{
    public static readonly PropertyTable Empty = new([]);

    private readonly PropertyRule[] _rules;

    public PropertyTable(IEnumerable<PropertyRule> rules)
    {
        _rules = [.. rules];
        Array.Sort(_rules, static (a, b) => Compare(a.Utf8, b.Utf8));
    }

    public int Count => _rules.Length;

    public IEnumerable<PropertyRule> All => _rules;

    public PropertyRule? Find(ReadOnlySpan<byte> utf8Name)
    {
        int low = 0, high = _rules.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) >> 1);
            var order = Compare(_rules[middle].Utf8, utf8Name);
            if (order == 0)
            {
                return _rules[middle];
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return null;
    }

    private static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
}

/// <summary>A compiled schema and the keywords it holds that are not enforced at intake (JSON pointers).</summary>
internal sealed record CompiledSchema(SchemaNode Root, IReadOnlyList<string> NotEnforced);
