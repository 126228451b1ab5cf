using System.Globalization;

namespace MediaProxy.Core.Media;

/// <summary>How schema constraints read in error messages and in the OpenAPI description.</summary>
internal static class SchemaText
{
    public static string Describe(JsonTypes types)
    {
        if (types == JsonTypes.Any)
        {
            return "any JSON value";
        }

        var names = new List<string>();
        Add(JsonTypes.String, "a string");
        if ((types & JsonTypes.Number) != 0)
        {
            names.Add("a number");
        }
        else
        {
            Add(JsonTypes.Integer, "an integer");
        }

        Add(JsonTypes.Boolean, "a boolean");
        Add(JsonTypes.Object, "an object");
        Add(JsonTypes.Array, "an array");
        Add(JsonTypes.Null, "null");
        return string.Join(" or ", names);

        void Add(JsonTypes type, string name)
        {
            if ((types & type) != 0)
            {
                names.Add(name);
            }
        }
    }

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
