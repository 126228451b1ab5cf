using System.Reflection;
using System.Text.RegularExpressions;
using MediaProxy.Api.Hosting.Store;
using MediaProxy.Core.Upstream;
using Microsoft.Extensions.Options;

namespace MediaProxy.Api.Hosting;

/// <summary>
/// Fail closed on configuration: before anything starts, every setting under <c>MediaProxy:</c> must bind, every
/// value must be valid, and in Production the store must be durable and the upstream real (or the simulator asked
/// for). A refusal is one line naming the setting and exit code 1: no stack trace, nothing half started.
/// </summary>
public static partial class StartupRefusal
{
    public const int ExitCode = 1;

    /// <summary>
    /// Checks the built app. Returns null when it may start; otherwise writes the one line and returns
    /// <see cref="ExitCode"/>. Hosted in another process's entry point (WebApplicationFactory), it throws instead,
    /// so the host sees why.
    /// </summary>
    public static int? Check(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Reason(app.Services, app.Configuration, app.Environment) is not { } reason)
        {
            return null;
        }

        var line = $"MediaProxy refused to start: {reason}".ReplaceLineEndings(" ");
        if (Assembly.GetEntryAssembly() != typeof(StartupRefusal).Assembly)
        {
            throw new ConfigurationRefusedException(line);
        }

        Console.Error.WriteLine(line);
        return ExitCode;
    }

    /// <summary>Why the service must not start with this configuration, in one line; null when it may.</summary>
    internal static string? Reason(IServiceProvider services, IConfiguration configuration, IHostEnvironment environment)
    {
        if (UnknownSettings.Find(configuration) is { Count: > 0 } unknown)
        {
            return string.Join("; ", unknown);
        }

        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException ex)
        {
            return Describe(ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is OptionsValidationException))
        {
            return string.Join("; ", ex.InnerExceptions.Cast<OptionsValidationException>().Select(Describe));
        }
        catch (InvalidOperationException ex) when (BindingFailure().Match(ex.Message) is { Success: true } failure)
        {
            var path = failure.Groups["path"].Value;
            return $"{path} is not {Expected(OptionCatalog.Find(path)?.Type)}";
        }

        StoreSettings store;
        try
        {
            store = services.GetRequiredService<StoreSettings>();
        }
        catch (ArgumentException ex)
        {
            return $"ConnectionStrings:Redis is not a valid connection string: {ex.Message}";
        }

        return environment.IsProduction() ? ProductionReason(services, store) : null;
    }

    private static string? ProductionReason(IServiceProvider services, StoreSettings store)
    {
        var upstream = services.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        if (upstream.UsesSimulator && !upstream.Simulate)
        {
            return $"{UpstreamOptions.SectionName}:BaseUrl is empty. In Production set it to the Media Collection API " +
                $"(https://{{company}}.hb-api.omtrdc.net), or set {UpstreamOptions.SectionName}:Simulate=true to run the built-in simulator.";
        }

        if (!store.Durable)
        {
            return $"The store would not be durable ({store.Description}). In Production a 202 must survive a restart: " +
                $"set {EmbeddedStoreOptions.SectionName}:DataDirectory (one instance) or ConnectionStrings:Redis (several).";
        }

        return null;
    }

    /// <summary>"MediaProxy:Playbacks:MaxEventsPerPost: The field … must be between 1 and 1000." for each failure.</summary>
    private static string Describe(OptionsValidationException exception)
    {
        var section = OwnerSection(exception.OptionsType) ?? exception.OptionsType.Name;
        return string.Join("; ", exception.Failures.Select(failure =>
            DataAnnotationFailure().Match(failure) is { Success: true } m
                ? $"{section}{(m.Groups["member"].Value.Length > 0 ? ":" + m.Groups["member"].Value : string.Empty)}: {m.Groups["error"].Value}"
                : failure));
    }

    private static string Expected(Type? type) => type switch
    {
        null => "a valid value",
        { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
        _ when type == typeof(TimeSpan) => "a duration ([d.]hh:mm:ss[.fff], e.g. 00:00:05)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) => "a number",
        _ => "a valid " + type.Name,
    };

    private static string? OwnerSection(Type optionsType) =>
        optionsType.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;

    [GeneratedRegex(@"members: '(?<member>[^']*)' with the error: '(?<error>.*)'\.?\z", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex BindingFailure();
}

/// <summary>The configuration was refused at start-up (thrown only when another process hosts the app, e.g. tests).</summary>
public sealed class ConfigurationRefusedException(string message) : Exception(message);
