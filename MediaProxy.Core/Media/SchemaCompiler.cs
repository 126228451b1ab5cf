using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MediaProxy.Core.Media;

/// <summary>
/// Compiles a JSON Schema document (draft-04, the subset Adobe's event schemas use: type, properties, required,
/// additionalProperties, patternProperties, enum, minLength, minimum, items, local <c>$ref</c>s into definitions)
/// into <see cref="SchemaNode"/>s. Other validation keywords are not enforced: they are listed in
/// <see cref="CompiledSchema.NotEnforced"/> so the log can say so. Refusing less than a schema would is the safe
/// side here (the upstream still has the last word); refusing more would lose events.
/// </summary>
internal sealed class SchemaCompiler
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "id", "$id", "title", "description", "default", "definitions", "examples", "$comment",
    };

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly JsonElement _document;
    private readonly Dictionary<string, SchemaNode> _byPointer = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly List<string> _notEnforced = [];

    private SchemaCompiler(JsonElement document) => _document = document;

    /// <summary>Compiles the document's root schema; throws <see cref="InvalidSchemaException"/> when it is not a usable schema.</summary>
    public static CompiledSchema Compile(JsonElement document)
    {
        var compiler = new SchemaCompiler(document);
        var root = compiler.Node(document, "#");
        return new CompiledSchema(root, compiler._notEnforced);
    }

    private SchemaNode Node(JsonElement schema, string pointer)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidSchemaException($"{pointer}: a schema must be a JSON object.");
        }

        if (_byPointer.TryGetValue(pointer, out var known))
        {
            return known;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            // Draft-04: a $ref replaces the whole schema it sits in; its siblings are ignored.
            return Reference(reference, pointer);
        }

        var node = new SchemaNode();
        _byPointer[pointer] = node;
        foreach (var keyword in schema.EnumerateObject())
        {
            Apply(node, keyword, $"{pointer}/{Escape(keyword.Name)}");
        }

        // Required names that are declared are marked by their rule during the walk (one bit each), not looked up.
        for (var i = 0; i < node.Required.Length; i++)
        {
            if (node.Properties.Find(node.Required[i].Utf8) is { } rule && i < 64)
            {
                rule.RequiredIndex = i;
                node.Required[i] = node.Required[i] with { Declared = true };
            }
        }

        return node;
    }

    private void Apply(SchemaNode node, JsonProperty keyword, string at)
    {
        var value = keyword.Value;
        switch (keyword.Name)
        {
            case "type":
                node.Types = Types(value, at);
                break;
            case "properties":
                node.Properties = new PropertyTable(Members(value, at).Select(p =>
                    new PropertyRule(p.Name, Encoding.UTF8.GetBytes(p.Name), Node(p.Value, $"{at}/{Escape(p.Name)}"))));
                break;
            case "required":
                node.Required = [.. Strings(value, at).Distinct(StringComparer.Ordinal).Select(n => new RequiredName(n, Encoding.UTF8.GetBytes(n), Declared: false))];
                break;
            case "additionalProperties" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                node.AdditionalAllowed = value.ValueKind == JsonValueKind.True;
                break;
            case "additionalProperties":
                node.Additional = Node(value, at);
                break;
            case "patternProperties":
                node.Patterns = [.. Members(value, at).Select(p => new PatternRule(p.Name, Pattern(p.Name, at), Node(p.Value, $"{at}/{Escape(p.Name)}")))];
                break;
            case "enum":
                node.Enum = Enum(value, at);
                break;
            case "minLength" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var minLength) && minLength >= 0:
                node.MinLength = minLength;
                break;
            case "minimum" when value.ValueKind == JsonValueKind.Number:
                node.Minimum = value.GetDouble();
                break;
            case "items" when value.ValueKind == JsonValueKind.Object:
                node.Items = Node(value, at);
                break;
            case "description" when value.ValueKind == JsonValueKind.String:
                node.Description = value.GetString();
                break;
            case var annotation when Annotations.Contains(annotation):
                break;
            default:
                _notEnforced.Add(at);
                break;
        }
    }

    private SchemaNode Reference(JsonElement reference, string pointer)
    {
        var target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : string.Empty;
        if (!target.StartsWith('#'))
        {
            // Only references inside the document are followed; anything else constrains nothing here.
            _notEnforced.Add($"{pointer}/$ref ({target})");
            return _byPointer[pointer] = new SchemaNode();
        }

        if (!_resolving.Add(pointer))
        {
            throw new InvalidSchemaException($"{pointer}: $ref {target} refers back to itself.");
        }

        var node = Node(Resolve(target, pointer), target);
        _resolving.Remove(pointer);
        return _byPointer[pointer] = node;
    }

    private JsonElement Resolve(string target, string pointer)
    {
        var element = _document;
        foreach (var token in target.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                throw new InvalidSchemaException($"{pointer}: $ref {target} points at nothing.");
            }
        }

        return element;
    }

    private static JsonTypes Types(JsonElement value, string at) => value.ValueKind switch
    {
        JsonValueKind.String => Type(value.GetString()!, at),
        JsonValueKind.Array => value.EnumerateArray().Aggregate(JsonTypes.None, (all, t) =>
            all | (t.ValueKind == JsonValueKind.String ? Type(t.GetString()!, at) : throw new InvalidSchemaException($"{at}: types are strings."))),
        _ => throw new InvalidSchemaException($"{at}: type must be a string or an array of strings."),
    };

    private static JsonTypes Type(string name, string at) => name switch
    {
        "object" => JsonTypes.Object,
        "array" => JsonTypes.Array,
        "string" => JsonTypes.String,
        "number" => JsonTypes.Number | JsonTypes.Integer,
        "integer" => JsonTypes.Integer,
        "boolean" => JsonTypes.Boolean,
        "null" => JsonTypes.Null,
        "any" => JsonTypes.Any,
        _ => throw new InvalidSchemaException($"{at}: unknown type '{name}'."),
    };

    private static EnumValue[] Enum(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidSchemaException($"{at}: enum must be an array.");
        }

        return [.. value.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.String => EnumValue.Of(v.GetString()!),
            JsonValueKind.Number => new EnumValue(v.GetRawText(), null, v.GetDouble(), null),
            JsonValueKind.True or JsonValueKind.False => new EnumValue(v.GetRawText(), null, null, v.GetBoolean()),
            JsonValueKind.Null => new EnumValue("null", null, null, null),
            _ => throw new InvalidSchemaException($"{at}: only strings, numbers, booleans and null are supported in an enum."),
        })];
    }

    private static Regex Pattern(string pattern, string at)
    {
        try
        {
            // Compiled: every customMetadata key of every post is matched, and schemas change once an hour at most.
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, PatternTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidSchemaException($"{at}: pattern {pattern} is not a valid regular expression ({ex.Message}).");
        }
    }

    private static JsonElement.ObjectEnumerator Members(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : throw new InvalidSchemaException($"{at}: must be an object.");

    private static IEnumerable<string> Strings(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String)
            ? value.EnumerateArray().Select(v => v.GetString()!)
            : throw new InvalidSchemaException($"{at}: must be an array of strings.");

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
