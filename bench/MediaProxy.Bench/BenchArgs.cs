namespace MediaProxy.Bench;

/// <summary><c>--name value</c> pairs and bare <c>--flag</c>s; enough for a harness driven by one script.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var parsed = new BenchArgs();
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    parsed._values[name] = "true";
                }

                name = arg[2..];
            }
            else if (name is not null)
            {
                parsed._values[name] = arg;
                name = null;
            }
        }

        if (name is not null)
        {
            parsed._values[name] = "true";
        }

        return parsed;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Require(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public int Port => int.Parse(Require("port"), System.Globalization.CultureInfo.InvariantCulture);

    public bool Flag(string name) => Get(name) == "true";
}
