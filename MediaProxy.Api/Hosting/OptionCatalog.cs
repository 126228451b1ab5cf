using System.Collections;
using System.Reflection;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// Every configuration path the service binds under <c>MediaProxy:</c>, read by reflection from the option classes
/// (a <c>public const string SectionName</c> and a parameterless constructor), so a new option is known here, to
/// the start-up check and to the documentation specs without being listed anywhere.
/// </summary>
public static class OptionCatalog
{
    public const string Root = "MediaProxy";

    private static readonly Lazy<IReadOnlyList<BoundOption>> All = new(Discover);

    /// <summary>The bound options, e.g. <c>MediaProxy:Upstream:BaseUrl</c>, in a stable order.</summary>
    public static IReadOnlyList<BoundOption> Options => All.Value;

    /// <summary>Whether setting <paramref name="path"/> (any case, <c>:</c>-separated) reaches an option.</summary>
    public static bool Binds(string path) => Find(path) is not null;

    /// <summary>The option that <paramref name="path"/> sets: the option itself, or an entry of a list option.</summary>
    public static BoundOption? Find(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (var option in Options)
        {
            if (path.Equals(option.Path, StringComparison.OrdinalIgnoreCase)
                || (option.IsList && path.Length > option.Path.Length + 1 && path[option.Path.Length] == ':'
                    && path.StartsWith(option.Path, StringComparison.OrdinalIgnoreCase)))
            {
                return option;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="path"/> is a section that holds options (<c>MediaProxy</c>, <c>MediaProxy:Auth</c>).</summary>
    public static bool IsSection(string path) =>
        Options.Any(o => o.Path.Length > path.Length && o.Path[path.Length] == ':' && o.Path.StartsWith(path, StringComparison.OrdinalIgnoreCase));

    private static List<BoundOption> Discover()
    {
        Assembly[] assemblies = [typeof(OptionCatalog).Assembly, typeof(Core.Playbacks.PlaybackOptions).Assembly];
        var options = new List<BoundOption>();
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is string section
                && section.StartsWith(Root + ":", StringComparison.Ordinal) && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                AddProperties(type, section, options);
            }
        }

        options.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return options;
    }

    private static void AddProperties(Type type, string prefix, List<BoundOption> options)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isList = propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType);
            if (property.GetMethod is null || (property.SetMethod?.IsPublic != true && !isList))
            {
                continue; // computed (UsesSimulator): nothing binds to it
            }

            if (!isList && propertyType.IsClass && propertyType != typeof(string) && propertyType.GetConstructor(Type.EmptyTypes) is not null)
            {
                AddProperties(propertyType, path, options); // a nested options object
            }
            else
            {
                options.Add(new BoundOption(path, property.Name, isList, propertyType));
            }
        }
    }
}

/// <param name="Path">The full configuration path, <c>MediaProxy:Auth:PlayerApiKeys</c>.</param>
/// <param name="Name">The property's name, <c>PlayerApiKeys</c>.</param>
/// <param name="IsList">A list: set through its entries (<c>:0</c>, <c>:1</c>…), never a value of its own.</param>
/// <param name="Type">The property's type, for messages.</param>
public sealed record BoundOption(string Path, string Name, bool IsList, Type Type)
{
    /// <summary>The environment variable that sets it: <c>MediaProxy__Auth__PlayerApiKeys</c>.</summary>
    public string EnvironmentName => Path.Replace(":", "__", StringComparison.Ordinal);
}
