using System.Text.RegularExpressions;

namespace MediaProxy.Core.Playbacks;

/// <summary>
/// The id a player makes up for one playback. It is embedded in Redis keys and log lines, so it is held to a
/// strict alphabet: a UUID, with or without dashes, fits.
/// </summary>
public static partial class PlaybackKey
{
    /// <remarks><c>\z</c>, not <c>$</c>: <c>$</c> also matches before a final newline, which let <c>key%0A</c> through.</remarks>
    public const string Pattern = @"^[A-Za-z0-9_-]{16,128}\z";

    public static bool IsValid(string? value) => value is not null && KeyRegex().IsMatch(value);

    /// <summary>A short form for logs: enough to correlate, not the whole key.</summary>
    public static string ForLog(string value) => value.Length <= 12 ? value : value[..12] + "…";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex KeyRegex();
}
