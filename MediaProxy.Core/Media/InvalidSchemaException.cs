namespace MediaProxy.Core.Media;

/// <summary>A schema document that cannot be used: not a schema, a broken <c>$ref</c>, an unknown type…</summary>
public sealed class InvalidSchemaException : Exception
{
    public InvalidSchemaException()
        : base("Not a usable JSON Schema.")
    {
    }

    public InvalidSchemaException(string message)
        : base(message)
    {
    }

    public InvalidSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
